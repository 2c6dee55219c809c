import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../../server/crypto/sha256.ts";
import { setApplicationActive } from "../../../server/services/applications/set-application-active.ts";
import {
  basicOf,
  expectOAuthError,
  getWithBearer,
  introspect,
  type JsonResponse,
  obtainCode,
  pkce,
  postForm,
  signedInAgent,
  sql,
  token,
} from "../../support/oauth-client.ts";
import { createApp, createUser, REDIRECT, type TestApp, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import type { UserAgent } from "../../support/user-agent.ts";

/**
 * RFC 9700 (OAuth 2.0 Security Best Current Practice), back channel: what an attacker holding a stolen code,
 * refresh token or access token can do with it at the token, introspection and resource endpoints.
 */

let server: TestServer;
let user: TestUser;
let organizationId: string;
let agent: UserAgent;
let appA: TestApp;
let appB: TestApp;
let opaqueApp: TestApp;
let publicApp: TestApp;

beforeAll(async () => {
  server = await startTestServer();
  ({ user, organizationId } = await createUser(server.orm));
  appA = await createApp(server.orm, organizationId, { name: "Client A" });
  appB = await createApp(server.orm, organizationId, { name: "Client B" });
  opaqueApp = await createApp(server.orm, organizationId, { accessTokenFormat: "opaque" });
  publicApp = await createApp(server.orm, organizationId, {
    type: "public",
    grantTypes: ["authorization_code", "refresh_token"],
  });
  agent = await signedInAgent(server, user);
});
afterAll(() => server?.stop());

type Tokens = { access_token: string; refresh_token: string; id_token?: string; scope?: string };

function codeGrant(code: string, extra: Record<string, string> = {}) {
  return { grant_type: "authorization_code", code, redirect_uri: REDIRECT, ...extra };
}

async function redeem(app: TestApp, code: string, extra: Record<string, string> = {}): Promise<Tokens> {
  const response = await token(server, app, codeGrant(code, extra));
  expect(response.status, response.text).toBe(200);
  return response.body as Tokens;
}

async function tokensFor(app: TestApp, scope = "identify"): Promise<Tokens> {
  return redeem(app, await obtainCode(server, agent, user, app, { scope }));
}

function me(accessToken: string): Promise<JsonResponse> {
  return getWithBearer(server, "/api/v1/users/@me", `Bearer ${accessToken}`);
}

async function events(type: string, subjectId?: string) {
  return sql<{ application_id: string; organization_id: string; subject_id: string; payload: unknown }>(
    server,
    `select application_id, organization_id, subject_id, payload from events where type = ?${subjectId ? " and subject_id = ?" : ""}`,
    subjectId ? [type, subjectId] : [type],
  );
}

async function codeRowId(code: string): Promise<string> {
  const [row] = await sql<{ id: string }>(server, "select id from authorization_codes where code_hash = ?", [
    hashSecret(code),
  ]);
  if (!row) throw new Error("no authorization code row");
  return row.id;
}

/** Everything that came from one redemption is dead: refresh, resource access and introspection. */
async function expectDead(app: TestApp, tokens: Tokens): Promise<void> {
  expectOAuthError(
    await token(server, app, { grant_type: "refresh_token", refresh_token: tokens.refresh_token }),
    400,
    "invalid_grant",
  );
  const resource = await me(tokens.access_token);
  expect(resource.status).toBe(401);
  expect(resource.headers.get("www-authenticate")).toMatch(/^Bearer /);
  expect((await introspect(server, app, tokens.access_token)).body).toEqual({ active: false });
  expect((await introspect(server, app, tokens.refresh_token)).body).toEqual({ active: false });
}

describe("RFC 9700 §4.5 authorization code injection", () => {
  it("refuses a code issued to client A when client B presents it; A can still redeem it", async () => {
    const code = await obtainCode(server, agent, user, appA);
    expectOAuthError(await token(server, appB, codeGrant(code)), 400, "invalid_grant");
    // A public client naming itself cannot use it either.
    expectOAuthError(
      await postForm(server, "/oauth2/token", { ...codeGrant(code), client_id: publicApp.clientId }),
      400,
      "invalid_grant",
    );
    // Decision: a foreign presentation neither consumes nor burns the code. The attacker cannot use it without A's
    // credentials, and burning it would let anyone who saw a code in a log cancel the victim's sign-in.
    const tokens = await redeem(appA, code);
    expect((await me(tokens.access_token)).status).toBe(200);
  });

  it("refuses a code redeemed with another redirect_uri, or without the one the request carried (RFC 6749 §4.1.3)", async () => {
    const native = await createApp(server.orm, organizationId, { redirectUris: ["http://127.0.0.1/callback"] });
    const code = await obtainCode(server, agent, user, native, { redirect_uri: "http://127.0.0.1:5000/callback" });
    for (const redirectUri of [
      "http://127.0.0.1:5001/callback",
      "http://127.0.0.1:5000/callback/",
      "https://evil.example/callback",
    ]) {
      expectOAuthError(
        await token(server, native, codeGrant(code, { redirect_uri: redirectUri })),
        400,
        "invalid_grant",
      );
    }
    const { redirect_uri: _, ...withoutRedirect } = codeGrant(code);
    expectOAuthError(await token(server, native, withoutRedirect), 400, "invalid_grant");
    // The legitimate exchange still works: failed attempts do not consume the code.
    await redeem(native, code, { redirect_uri: "http://127.0.0.1:5000/callback" });
  });

  for (const [format, app] of [
    ["JWT", () => appA],
    ["opaque", () => opaqueApp],
  ] as const) {
    it(`a replayed code is refused and revokes the ${format} tokens of the first redemption (RFC 6749 §4.1.2)`, async () => {
      const code = await obtainCode(server, agent, user, app());
      const first = await redeem(app(), code);
      // Tokens refreshed from the first redemption are its descendants and die too.
      const refreshed = await token(server, app(), { grant_type: "refresh_token", refresh_token: first.refresh_token });
      expect(refreshed.status, refreshed.text).toBe(200);
      expect((await me(refreshed.body.access_token)).status).toBe(200);

      expectOAuthError(await token(server, app(), codeGrant(code)), 400, "invalid_grant");
      await expectDead(app(), first);
      await expectDead(app(), refreshed.body as Tokens);
      const id = await codeRowId(code);
      const replayed = await events("token.code_replayed", id);
      expect(replayed).toHaveLength(1);
      expect(replayed[0]!.application_id).toBe(app().id);
    });
  }

  it("a code replayed by another client still revokes, and the event belongs to the code's own app", async () => {
    const other = await createUser(server.orm);
    const foreign = await createApp(server.orm, other.organizationId, { name: "Attacker" });
    const code = await obtainCode(server, agent, user, appA);
    const first = await redeem(appA, code);
    expectOAuthError(await token(server, foreign, codeGrant(code)), 400, "invalid_grant");
    await expectDead(appA, first);
    const replayed = await events("token.code_replayed", await codeRowId(code));
    expect(replayed).toHaveLength(1);
    // The audit trail and webhooks of A's organization must see it; the attacker's organization must not.
    expect(replayed[0]!.application_id).toBe(appA.id);
    expect(replayed[0]!.organization_id).toBe(organizationId);
  });

  it("concurrent redemptions of one code: exactly one wins, and the replay revokes what it got", async () => {
    const code = await obtainCode(server, agent, user, opaqueApp);
    const results = await Promise.all(Array.from({ length: 10 }, () => token(server, opaqueApp, codeGrant(code))));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((r) => r.status !== 200)) expectOAuthError(loser, 400, "invalid_grant");
    await expectDead(opaqueApp, winners[0]!.body as Tokens);
  });

  it("codes live at most 60 seconds (RFC 9700 §4.3 / docs/design.md) and an expired one is refused", async () => {
    const code = await obtainCode(server, agent, user, appA);
    const id = await codeRowId(code);
    const [row] = await sql<{ ttl: number }>(
      server,
      "select extract(epoch from expires_at - created_at)::int as ttl from authorization_codes where id = ?",
      [id],
    );
    expect(row!.ttl).toBeLessThanOrEqual(60);
    await sql(server, "update authorization_codes set expires_at = now() - interval '1 second' where id = ?", [id]);
    expectOAuthError(await token(server, appA, codeGrant(code)), 400, "invalid_grant");
  });
});

describe("RFC 9700 §4.8 PKCE downgrade at the token endpoint", () => {
  it("refuses a code_verifier for a code whose request had no code_challenge", async () => {
    const code = await obtainCode(server, agent, user, appA);
    const { verifier } = pkce();
    expectOAuthError(await token(server, appA, codeGrant(code, { code_verifier: verifier })), 400, "invalid_grant");
  });

  it("refuses a missing, wrong or malformed code_verifier when the request had a challenge", async () => {
    const { verifier, challenge } = pkce();
    const code = await obtainCode(server, agent, user, appA, {
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    expectOAuthError(await token(server, appA, codeGrant(code)), 400, "invalid_grant");
    for (const wrong of [pkce().verifier, challenge, `${verifier}x`, "short", `${verifier.slice(0, -1)}!`]) {
      expectOAuthError(await token(server, appA, codeGrant(code, { code_verifier: wrong })), 400, "invalid_grant");
    }
    await redeem(appA, code, { code_verifier: verifier });
  });

  it("a public client must prove the verifier: without it the code is refused", async () => {
    const { verifier, challenge } = pkce();
    const code = await obtainCode(server, agent, user, publicApp, {
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const form = { ...codeGrant(code), client_id: publicApp.clientId };
    expectOAuthError(await postForm(server, "/oauth2/token", form), 400, "invalid_grant");
    const ok = await postForm(server, "/oauth2/token", { ...form, code_verifier: verifier });
    expect(ok.status, ok.text).toBe(200);
  });
});

describe("RFC 9700 §4.14 refresh token protection", () => {
  it("replaying a rotated refresh token revokes the whole family and records token.refresh_reuse_detected", async () => {
    const strict = await createApp(server.orm, organizationId, {
      refreshReuseInterval: 0,
      accessTokenFormat: "opaque",
    });
    const first = await tokensFor(strict);
    const second = await token(server, strict, { grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(second.status, second.text).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect((await introspect(server, strict, second.body.access_token)).body.active).toBe(true);

    // The attacker (or the victim) replays the rotated token.
    expectOAuthError(
      await token(server, strict, { grant_type: "refresh_token", refresh_token: first.refresh_token }),
      400,
      "invalid_grant",
    );
    await expectDead(strict, second.body as Tokens);
    await expectDead(strict, first);

    const [family] = await sql<{ family_id: string }>(
      server,
      "select family_id from refresh_tokens where application_id = ? limit 1",
      [strict.id],
    );
    const detected = await events("token.refresh_reuse_detected", family!.family_id);
    expect(detected).toHaveLength(1);
    expect(detected[0]!.application_id).toBe(strict.id);
  });

  it("a refresh token is bound to its client: another client gets invalid_grant and the family lives on", async () => {
    const tokens = await tokensFor(appA);
    expectOAuthError(
      await token(server, appB, { grant_type: "refresh_token", refresh_token: tokens.refresh_token }),
      400,
      "invalid_grant",
    );
    expectOAuthError(
      await postForm(server, "/oauth2/token", {
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
        client_id: publicApp.clientId,
      }),
      400,
      "invalid_grant",
    );
    const ok = await token(server, appA, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(ok.status, ok.text).toBe(200);
  });

  it("a refresh cannot widen the scope (RFC 6749 §6)", async () => {
    const tokens = await tokensFor(appA, "identify");
    expectOAuthError(
      await token(server, appA, {
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
        scope: "identify guilds",
      }),
      400,
      "invalid_scope",
    );
  });

  it("another client cannot revoke someone else's refresh token (RFC 7009 §2.1)", async () => {
    const tokens = await tokensFor(appA);
    const revoked = await postForm(server, "/oauth2/revoke", { token: tokens.refresh_token }, { auth: basicOf(appB) });
    expect(revoked.status).toBe(200);
    expect((await introspect(server, appA, tokens.refresh_token)).body.active).toBe(true);
  });
});

describe("RFC 9700 §4.3.x token responses are never cached", () => {
  it("sends Cache-Control: no-store and Pragma: no-cache with tokens", async () => {
    const response = await token(server, appA, codeGrant(await obtainCode(server, agent, user, appA)));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("no-store");
    expect(response.headers.get("pragma")).toBe("no-cache");
  });
});

describe("RFC 9700 §2.3 / §4.10 access token privilege restriction", () => {
  it("a token with identify only gets 403 insufficient_scope at /api/v1/users/@me/guilds", async () => {
    const tokens = await tokensFor(appA, "identify");
    expect((await me(tokens.access_token)).status).toBe(200);
    const guilds = await getWithBearer(server, "/api/v1/users/@me/guilds", `Bearer ${tokens.access_token}`);
    expectOAuthError(guilds, 403, "insufficient_scope");
    const challenge = guilds.headers.get("www-authenticate") ?? "";
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="guilds"');
  });

  it("a token without openid gets 403 insufficient_scope at userinfo", async () => {
    const tokens = await tokensFor(appA, "identify");
    const info = await getWithBearer(server, "/oauth2/userinfo", `Bearer ${tokens.access_token}`);
    expectOAuthError(info, 403, "insufficient_scope");
  });

  it("a resource server of another organization learns nothing from introspection (RFC 7662 §4)", async () => {
    const tokens = await tokensFor(appA);
    const other = await createUser(server.orm);
    const stranger = await createApp(server.orm, other.organizationId);
    expect((await introspect(server, stranger, tokens.access_token)).body).toEqual({ active: false });
    expect((await introspect(server, stranger, tokens.refresh_token)).body).toEqual({ active: false });
    expect((await introspect(server, appA, tokens.access_token)).body.active).toBe(true);
  });
});

describe("RFC 9700 §4.15 client impersonating a resource owner", () => {
  it("a client_credentials token never passes for a user", async () => {
    const cc = await token(server, appA, { grant_type: "client_credentials", scope: "identify guilds" });
    expect(cc.status, cc.text).toBe(200);
    const meResponse = await me(cc.body.access_token);
    expectOAuthError(meResponse, 403, "insufficient_scope");
    const guilds = await getWithBearer(server, "/api/v1/users/@me/guilds", `Bearer ${cc.body.access_token}`);
    expect(guilds.status).toBe(200);
    expect(guilds.body).toEqual([]);
    const introspected = await introspect(server, appA, cc.body.access_token);
    expect(introspected.body.sub).toBe(appA.clientId);
    expect(introspected.body.sub).not.toBe(user.id);
    expect(introspected.body.username).toBeUndefined();
  });
});

describe("token confusion: only access tokens open the resource endpoints", () => {
  it("refuses an ID token, a refresh token and an authorization code as bearer tokens", async () => {
    const code = await obtainCode(server, agent, user, appA, { scope: "openid identify" });
    const tokens = await redeem(appA, code);
    expect(tokens.id_token).toBeTruthy();
    for (const presented of [tokens.id_token!, tokens.refresh_token, code]) {
      const response = await me(presented);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    }
    expect((await introspect(server, appA, tokens.id_token!)).body).toEqual({ active: false });
  });
});

describe("RFC 9700 §4.3.2 / §4.10 access tokens in URLs and after revocation", () => {
  it("refuses an access token in the query string or the form body (RFC 6750 §2.2/§2.3 are not supported)", async () => {
    const tokens = await tokensFor(appA);
    const query = await getWithBearer(
      server,
      `/api/v1/users/@me?access_token=${encodeURIComponent(tokens.access_token)}`,
    );
    expect(query.status).toBe(401);
    const form = await postForm(server, "/oauth2/userinfo", { access_token: tokens.access_token });
    expect(form.status).toBe(401);
  });

  it("disabling the app cuts its JWT access tokens off at once, and its refresh tokens with it", async () => {
    const doomed = await createApp(server.orm, organizationId);
    const tokens = await tokensFor(doomed);
    expect((await me(tokens.access_token)).status).toBe(200);
    await setApplicationActive(
      server.orm.em,
      { applicationId: doomed.id, organizationId, active: false, actor: { type: "system" } },
      new Date(),
    );
    expect((await me(tokens.access_token)).status).toBe(401);
    expect((await introspect(server, appA, tokens.access_token)).body).toEqual({ active: false });
    expect((await introspect(server, appA, tokens.refresh_token)).body).toEqual({ active: false });
  });
});
