import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
let app: TestApp;
let config: client.Configuration;

beforeAll(async () => {
  server = await startTestServer();
  const created = await createUser(server.orm);
  user = created.user;
  app = await createApp(server.orm, created.organizationId, { name: "OIDC RP", accessTokenFormat: "opaque" });
  config = await client.discovery(new URL(server.url), app.clientId, app.clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
});
afterAll(() => server?.stop());

describe("openid-client against Latch", () => {
  it("discovers the issuer and runs code + PKCE + nonce with an ID token, userinfo, refresh and revocation", async () => {
    expect(config.serverMetadata().issuer).toBe(server.url);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: "openid profile email",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
    const callback = await authorizeInBrowser(new UserAgent(server.url), user, url.toString());
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: server.url, sub: user.id, aud: app.clientId, nonce });
    expect(claims.at_hash).toBeTruthy();

    const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info).toMatchObject({ sub: user.id, email: user.email, name: expect.any(String) });

    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspected).toMatchObject({
      active: true,
      client_id: app.clientId,
      sub: user.id,
      scope: "openid profile email",
    });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    await client.tokenRevocation(config, refreshed.refresh_token!);
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });

  it("rejects a tampered state the way a strict client must (the server echoes state exactly)", async () => {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: "identify",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state: "expected-state",
    });
    const callback = await authorizeInBrowser(new UserAgent(server.url), user, url.toString());
    expect(callback.searchParams.get("state")).toBe("expected-state");
    await expect(
      client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: "other" }),
    ).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/state/) },
    });
  });

  it("runs client_credentials", async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: "chat:read chat:write" });
    expect(tokens.scope).toBe("chat:read chat:write");
    expect(tokens.expires_in).toBe(604800);
  });
});
