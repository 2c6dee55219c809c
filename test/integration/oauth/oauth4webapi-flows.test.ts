import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeFlowRequest, discoverLatch, insecure } from "../../support/code-flow-client.ts";
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
let as: oauth.AuthorizationServer;
let user: TestUser;
let confidential: TestApp;
let publicApp: TestApp;

beforeAll(async () => {
  server = await startTestServer();
  as = await discoverLatch(server.url);
  const created = await createUser(server.orm);
  user = created.user;
  confidential = await createApp(server.orm, created.organizationId, {
    name: "Confidential",
    accessTokenFormat: "jwt",
  });
  publicApp = await createApp(server.orm, created.organizationId, {
    name: "Native",
    type: "public",
    grantTypes: ["authorization_code", "refresh_token"],
    accessTokenFormat: "opaque",
  });
});
afterAll(() => server?.stop());

async function runCodeFlow(app: TestApp, scope: string, auth: oauth.ClientAuth, agent = new UserAgent(server.url)) {
  const client: oauth.Client = { client_id: app.clientId };
  const { url, verifier, state, nonce } = await codeFlowRequest(as, {
    clientId: app.clientId,
    redirectUri: REDIRECT,
    scope,
  });
  const callback = await authorizeInBrowser(agent, user, url);
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, insecure);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: scope.includes("openid") ? nonce : undefined,
    requireIdToken: scope.includes("openid"),
  });
  return { client, tokens, agent };
}

describe("authorization code + PKCE with oauth4webapi", () => {
  it("completes with openid: ID token, userinfo, and iss in the redirect (RFC 9207)", async () => {
    const { client, tokens } = await runCodeFlow(
      confidential,
      "openid profile email identify",
      oauth.ClientSecretBasic(confidential.clientSecret!),
    );
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.scope).toBe("openid profile email identify");
    expect(tokens.refresh_token).toMatch(/^latch_rt_/);
    expect(tokens.access_token.split(".")).toHaveLength(3);
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims.sub).toBe(user.id);
    expect(claims.aud).toBe(confidential.clientId);
    expect(typeof claims.auth_time).toBe("number");
    const info = await oauth.processUserInfoResponse(
      as,
      client,
      user.id,
      await oauth.userInfoRequest(as, client, tokens.access_token, insecure),
    );
    expect(info).toMatchObject({ sub: user.id, email: user.email, email_verified: true });
  });

  it("completes without openid for a public client with opaque tokens, then refreshes and revokes", async () => {
    const { client, tokens } = await runCodeFlow(publicApp, "identify email", oauth.None());
    expect(tokens.access_token).toMatch(/^latch_at_/);
    expect(tokens.id_token).toBeUndefined();

    const me = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id, email: user.email, verified: true });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.scope).toBe("identify email");

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, oauth.None(), refreshed.refresh_token!, insecure),
    );
    const after = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshed.refresh_token!, insecure);
    await expect(oauth.processRefreshTokenResponse(as, client, after)).rejects.toMatchObject({
      error: "invalid_grant",
    });
    const meAfter = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    expect(meAfter.status).toBe(401);
  });

  it("reuses an earlier consent without showing the consent page again", async () => {
    const agent = new UserAgent(server.url);
    await runCodeFlow(confidential, "identify", oauth.ClientSecretPost(confidential.clientSecret!), agent);
    const again = await runCodeFlow(
      confidential,
      "identify",
      oauth.ClientSecretPost(confidential.clientSecret!),
      agent,
    );
    expect(again.tokens.scope).toBe("identify");
  });
});

describe("client_credentials with oauth4webapi", () => {
  it("issues a JWT access token and introspects it active, then inactive after revocation", async () => {
    const client: oauth.Client = { client_id: confidential.clientId };
    const auth = oauth.ClientSecretBasic(confidential.clientSecret!);
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: "chat:read" }, insecure),
    );
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe("chat:read");
    const introspected = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
    );
    expect(introspected).toMatchObject({
      active: true,
      client_id: confidential.clientId,
      scope: "chat:read",
      token_type: "Bearer",
    });

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, auth, tokens.access_token, insecure),
    );
    const after = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
    );
    expect(after).toEqual({ active: false });
  });

  it("issues an opaque token with client_secret_post and introspects it", async () => {
    const created = await createUser(server.orm);
    const app = await createApp(server.orm, created.organizationId, { accessTokenFormat: "opaque" });
    const client: oauth.Client = { client_id: app.clientId };
    const auth = oauth.ClientSecretPost(app.clientSecret!);
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, auth, {}, insecure),
    );
    expect(tokens.access_token).toMatch(/^latch_at_/);
    const introspected = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
    );
    expect(introspected.active).toBe(true);
  });
});
