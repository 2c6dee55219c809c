import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageCounter } from "../../../server/db/entities/index.ts";
import { postAsClient } from "../../support/oauth-client.ts";
import {
  authorizeInBrowser,
  createApp,
  createUser,
  REDIRECT,
  type TestApp,
  type TestUser,
} from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let user: TestUser;
let organizationId: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ user, organizationId } = await createUser(server.orm));
});
afterAll(() => server?.stop());

const token = (app: TestApp, form: Record<string, string>) => postAsClient(server.url, "/oauth2/token", app, form);

describe("password grant", () => {
  it("works only for an app that opted in, with the same answer for an unknown user and a wrong password", async () => {
    const optedIn = await createApp(server.orm, organizationId, {
      allowPasswordGrant: true,
      grantTypes: ["password", "refresh_token"],
    });
    const ok = await token(optedIn, {
      grant_type: "password",
      username: user.email.toUpperCase(),
      password: user.password,
      scope: "identify",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.refresh_token).toMatch(/^latch_rt_/);
    const me = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${ok.body.access_token}` },
    });
    expect((await me.json()).id).toBe(user.id);

    const wrong = await token(optedIn, { grant_type: "password", username: user.email, password: "nope nope nope" });
    const unknown = await token(optedIn, {
      grant_type: "password",
      username: "nobody@example.com",
      password: "nope nope nope",
    });
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const notOptedIn = await createApp(server.orm, organizationId);
    const refused = await token(notOptedIn, { grant_type: "password", username: user.email, password: user.password });
    expect(refused).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
  });
});

describe("usage counters", () => {
  it("counts authorizations, tokens by grant type, refreshes, denials and errors per app per day", async () => {
    const app = await createApp(server.orm, organizationId);
    const authorize = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify", prompt: "consent" })}`;
    const agent = new UserAgent(server.url);
    const callback = await authorizeInBrowser(agent, user, authorize);
    const pair = await token(app, {
      grant_type: "authorization_code",
      code: callback.searchParams.get("code")!,
      redirect_uri: REDIRECT,
    });
    await token(app, { grant_type: "refresh_token", refresh_token: pair.body.refresh_token });
    await token(app, { grant_type: "client_credentials" });
    await token(app, { grant_type: "client_credentials", scope: "not-allowed" });
    await authorizeInBrowser(agent, user, authorize, { decision: "deny" });

    // Counts are batched in memory and written once a second: write them now.
    await server.flushUsage();
    const day = new Date().toISOString().slice(0, 10);
    const counter = await server.orm.em.fork().findOneOrFail(UsageCounter, { application: app.id, day });
    expect(counter).toMatchObject({
      authorizations: 1,
      tokensAuthorizationCode: 1,
      tokensRefreshToken: 1,
      tokensClientCredentials: 1,
      refreshes: 1,
      denials: 1,
      errors: 1,
    });
  });
});
