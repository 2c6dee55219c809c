import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Grant } from "../../../server/db/entities/index.ts";
import { postAsClient, token } from "../../support/oauth-client.ts";
import {
  authorizeInBrowser,
  createApp,
  createUser,
  REDIRECT,
  type TestApp,
  type TestUser,
} from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, location, UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let user: TestUser;
let app: TestApp;

beforeAll(async () => {
  server = await startTestServer();
  const created = await createUser(server.orm);
  user = created.user;
  app = await createApp(server.orm, created.organizationId, { name: "Calendar Sync", accessTokenFormat: "jwt" });
});
afterAll(() => server?.stop());

describe("GET /account/connections", () => {
  it("sends a signed-out visitor to the login page", async () => {
    const response = await new UserAgent(server.url).get("/account/connections");
    expect(response.status).toBe(302);
    expect(location(response)).toBe("/login?return_to=%2Faccount%2Fconnections");
  });

  it("lists the authorized app and Disconnect revokes the grant and every token under it", async () => {
    const agent = new UserAgent(server.url);
    const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify email" })}`;
    const callback = await authorizeInBrowser(agent, user, url);
    const { body: tokens } = await token(server, app, {
      grant_type: "authorization_code",
      code: callback.searchParams.get("code")!,
      redirect_uri: REDIRECT,
    });

    const page = await agent.get("/account/connections");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Calendar Sync");
    expect(html).toContain("See your email address");
    const grant = await server.orm.em.fork().findOneOrFail(Grant, { application: app.id, user: user.id });
    expect(html).toContain(`/account/connections/${grant.id}/disconnect`);

    const disconnected = await agent.post(`/account/connections/${grant.id}/disconnect`, {
      csrf_token: hiddenField(html, "csrf_token"),
    });
    expect(disconnected.status).toBe(303);
    expect(await (await agent.get("/account/connections")).text()).not.toContain("Calendar Sync");
    const revoked = await server.orm.em.fork().findOneOrFail(Grant, { id: grant.id });
    expect(revoked.revokedReason).toBe("user_disconnected");
    const me = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.status).toBe(401);
    const refresh = await postAsClient(server.url, "/oauth2/token", app, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    });
    expect(refresh.body.error).toBe("invalid_grant");
  });

  it("refuses a disconnect without the CSRF token, and one for a grant of another user", async () => {
    const agent = new UserAgent(server.url);
    const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify" })}`;
    await authorizeInBrowser(agent, user, url);
    const grant = await server.orm.em
      .fork()
      .findOneOrFail(Grant, { application: app.id, user: user.id, revokedAt: null });
    expect((await agent.post(`/account/connections/${grant.id}/disconnect`, {})).status).toBe(403);

    const { user: other } = await createUser(server.orm);
    const otherAgent = new UserAgent(server.url);
    await authorizeInBrowser(otherAgent, other, url).catch(() => undefined);
    const otherPage = await otherAgent.get("/account/connections");
    const csrf = hiddenField(await otherPage.text(), "csrf_token");
    expect((await otherAgent.post(`/account/connections/${grant.id}/disconnect`, { csrf_token: csrf })).status).toBe(
      404,
    );
    expect((await otherAgent.post("/account/connections/not-a-uuid/disconnect", { csrf_token: csrf })).status).toBe(
      404,
    );
    expect((await server.orm.em.fork().findOneOrFail(Grant, { id: grant.id })).revokedAt ?? null).toBeNull();
  });
});
