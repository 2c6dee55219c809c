import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccessToken, Grant, RefreshToken } from "../../../server/db/entities/index.ts";
import { deleteApplication } from "../../../server/services/applications/delete-application.ts";
import { setApplicationActive } from "../../../server/services/applications/set-application-active.ts";
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
let resourceServer: TestApp;

beforeAll(async () => {
  server = await startTestServer();
  ({ user, organizationId } = await createUser(server.orm));
  resourceServer = await createApp(server.orm, organizationId, {
    name: "Resource server",
    grantTypes: ["client_credentials"],
    isResourceServer: true,
  });
});
afterAll(() => server?.stop());

const post = (path: string, app: TestApp, form: Record<string, string>) => postAsClient(server.url, path, app, form);

async function userTokens(app: TestApp, as: TestUser = user) {
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify" })}`;
  const callback = await authorizeInBrowser(new UserAgent(server.url), as, url);
  const { body } = await post("/oauth2/token", app, {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code")!,
    redirect_uri: REDIRECT,
  });
  return body as { access_token: string; refresh_token: string };
}

const introspect = (token: string) => post("/oauth2/introspect", resourceServer, { token }).then((r) => r.body);

describe("deleting or disabling an app cuts every token off at once", () => {
  it("deleting: its opaque and JWT tokens introspect inactive immediately", async () => {
    const jwtApp = await createApp(server.orm, organizationId, { accessTokenFormat: "jwt" });
    const opaqueApp = await createApp(server.orm, organizationId, { accessTokenFormat: "opaque" });
    const jwtUser = await userTokens(jwtApp);
    const jwtService = (await post("/oauth2/token", jwtApp, { grant_type: "client_credentials" })).body
      .access_token as string;
    const opaque = await userTokens(opaqueApp);
    for (const token of [jwtUser.access_token, jwtService, opaque.access_token, opaque.refresh_token]) {
      expect((await introspect(token)).active, token.slice(0, 12)).toBe(true);
    }
    for (const app of [jwtApp, opaqueApp]) {
      await deleteApplication(
        server.orm.em,
        { applicationId: app.id, organizationId, actor: { type: "system" } },
        new Date(),
      );
    }
    for (const token of [jwtUser.access_token, jwtService, opaque.access_token, opaque.refresh_token]) {
      expect(await introspect(token)).toEqual({ active: false });
    }
    const me = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${jwtUser.access_token}` },
    });
    expect(me.status).toBe(401);
  });

  it("disabling: revokes grants, refresh and access tokens in one go, and re-enabling does not revive them", async () => {
    const app = await createApp(server.orm, organizationId, { accessTokenFormat: "jwt" });
    const tokens = await userTokens(app);
    await setApplicationActive(
      server.orm.em,
      { applicationId: app.id, organizationId, active: false, actor: { type: "system" } },
      new Date(),
    );
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    const refresh = await post("/oauth2/token", app, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    });
    expect(refresh).toMatchObject({ status: 401, body: { error: "invalid_client" } });

    await setApplicationActive(
      server.orm.em,
      { applicationId: app.id, organizationId, active: true, actor: { type: "system" } },
      new Date(),
    );
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    const again = await post("/oauth2/token", app, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    });
    expect(again).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    const em = server.orm.em.fork();
    expect(await em.count(Grant, { application: app.id, revokedAt: null })).toBe(0);
    expect(await em.count(RefreshToken, { application: app.id, revokedAt: null })).toBe(0);
    expect(await em.count(AccessToken, { application: app.id, revokedAt: null })).toBe(0);
  });

  it("disabling records a cutoff that survives re-enabling: JWTs issued before it stay inactive, new ones work", async () => {
    const app = await createApp(server.orm, organizationId, { accessTokenFormat: "jwt" });
    const service = (await post("/oauth2/token", app, { grant_type: "client_credentials" })).body
      .access_token as string;
    // A user of its own: sign-ins are throttled per account.
    const other = (await createUser(server.orm)).user;
    const tokens = await userTokens(app, other);
    expect((await introspect(service)).active).toBe(true);
    const setActive = (active: boolean) =>
      setApplicationActive(
        server.orm.em,
        { applicationId: app.id, organizationId, active, actor: { type: "system" } },
        new Date(),
      );
    await setActive(false);
    await setActive(true);
    // A JWT's iat has whole seconds: one issued in the second of the disable counts as issued before it.
    const disabledAt = Date.now();
    while (Math.floor(Date.now() / 1000) === Math.floor(disabledAt / 1000)) await new Promise((r) => setTimeout(r, 50));

    for (const token of [service, tokens.access_token]) expect(await introspect(token)).toEqual({ active: false });
    for (const path of ["/api/v1/users/@me", "/oauth2/userinfo"]) {
      const response = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(response.status, path).toBe(401);
    }
    const fresh = (await post("/oauth2/token", app, { grant_type: "client_credentials" })).body.access_token as string;
    expect(await introspect(fresh)).toMatchObject({ active: true, client_id: app.clientId });
    const freshUser = await userTokens(app, other);
    expect((await introspect(freshUser.access_token)).active).toBe(true);
    const me = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${freshUser.access_token}` },
    });
    expect(me.status).toBe(200);
  });

  it("a resource server of another organization learns nothing about these tokens", async () => {
    const app = await createApp(server.orm, organizationId, { accessTokenFormat: "opaque" });
    const tokens = await userTokens(app);
    const other = await createUser(server.orm);
    const foreign = await createApp(server.orm, other.organizationId, {
      grantTypes: ["client_credentials"],
      isResourceServer: true,
    });
    expect((await post("/oauth2/introspect", foreign, { token: tokens.access_token })).body).toEqual({ active: false });
    expect((await introspect(tokens.access_token)).active).toBe(true);
  });
});
