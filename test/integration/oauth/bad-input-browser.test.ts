import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../../server/crypto/sha256.ts";
import {
  authorizeUrl,
  basicOf,
  getWithBearer,
  type JsonResponse,
  obtainCode,
  postForm,
  signedInAgent,
  sql,
} from "../../support/oauth-client.ts";
import { createApp, createUser, REDIRECT, type TestApp, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, UserAgent } from "../../support/user-agent.ts";

/**
 * Bad input at the authorization endpoint, the consent form and the bearer-protected endpoints: a readable page,
 * a redirect or a 401/403 challenge, never a 500 or a stack trace.
 */

let server: TestServer;
let user: TestUser;
let organizationId: string;
let agent: UserAgent;
let app: TestApp;
let opaqueApp: TestApp;

beforeAll(async () => {
  server = await startTestServer();
  ({ user, organizationId } = await createUser(server.orm));
  app = await createApp(server.orm, organizationId);
  opaqueApp = await createApp(server.orm, organizationId, { accessTokenFormat: "opaque" });
  agent = await signedInAgent(server, user);
  await obtainCode(server, agent, user, app);
});
afterAll(() => server?.stop());

/** The answer is a readable HTML page (never a 500) or a redirect; returns the body for further checks. */
async function expectPageOrRedirect(response: Response): Promise<string> {
  const body = await response.text();
  expect(response.status, body.slice(0, 300)).toBeLessThan(500);
  expect(body).not.toMatch(/at .*\.ts:\d+/);
  if (response.status === 302 || response.status === 303) {
    expect(response.headers.get("location")).toBeTruthy();
  } else {
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(body).toMatch(/<html/i);
  }
  return body;
}

describe("bad authorization requests", () => {
  const cases: [string, string][] = [
    ["no parameters at all", "/oauth2/authorize"],
    ["a missing client_id", authorizeUrl({ clientId: "" }).replace("client_id=&", "")],
    ["an empty client_id", authorizeUrl({ clientId: "" })],
    ["a repeated client_id", `${authorizeUrl({ clientId: "x" })}&client_id=y`],
    ["a repeated redirect_uri", `${authorizeUrl({ clientId: "x" })}&redirect_uri=${encodeURIComponent(REDIRECT)}`],
    ["a client_id of 10 KB", authorizeUrl({ clientId: "x".repeat(10_000) })],
    ["a NUL byte in client_id", "/oauth2/authorize?client_id=%00&response_type=code"],
    ["non-UTF-8 percent-encoding in client_id", "/oauth2/authorize?client_id=%ff%fe&response_type=code"],
    ["a lone percent sign", "/oauth2/authorize?client_id=%&redirect_uri=%zz"],
  ];
  for (const [what, url] of cases) {
    it(`shows an error page for ${what}`, async () => {
      for (const on of [agent, new UserAgent(server.url)]) {
        const response = await on.get(url);
        await expectPageOrRedirect(response);
        expect(response.status).toBe(400);
        expect(response.headers.get("location")).toBeNull();
      }
    });
  }

  it("a repeated client_id is refused even when both values name the real app", async () => {
    const response = await agent.get(`${authorizeUrl(app)}&client_id=${app.clientId}`);
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });

  it("carries a 10 KB state through (redirect with it intact, or the login page), never a 500", async () => {
    const state = "s".repeat(10 * 1024);
    const signedIn = await agent.get(authorizeUrl(app, { state }));
    await expectPageOrRedirect(signedIn);
    expect(new URL(signedIn.headers.get("location")!).searchParams.get("state")).toBe(state);

    const anonymous = new UserAgent(server.url);
    const toLogin = await anonymous.get(authorizeUrl(app, { state }));
    await expectPageOrRedirect(toLogin);
    await expectPageOrRedirect(await anonymous.get(toLogin.headers.get("location")!));

    const consent = await agent.get(authorizeUrl(app, { state, prompt: "consent" }));
    await expectPageOrRedirect(consent);
  });

  it("handles non-UTF-8 percent-encoding in state, scope, redirect_uri and nonce", async () => {
    const base = authorizeUrl(app, { state: undefined });
    for (const extra of ["&state=%ff%c3%28", "&nonce=%ff", "&prompt=%ff", "&state=a%00b", "&nonce=a%00b"]) {
      await expectPageOrRedirect(await agent.get(`${base}${extra}`));
    }
    await expectPageOrRedirect(await agent.get(`${authorizeUrl(app, { scope: undefined })}&scope=%ff`));
    await expectPageOrRedirect(await agent.get(`${authorizeUrl(app, { redirect_uri: undefined })}&redirect_uri=%ff`));
    await expectPageOrRedirect(await agent.get(`${authorizeUrl(app)}&guild_id=%00&permissions=%ff`));
  });

  it("refuses request and request_uri with an error redirect, never a code from the outer parameters (#20 item 9)", async () => {
    const cases = [
      ["request", "eyJhbGciOiJub25lIn0.eyJzY29wZSI6ImFsbCJ9.", "request_not_supported"],
      ["request_uri", "https://app.example/request.jwt", "request_uri_not_supported"],
    ] as const;
    for (const [name, value, code] of cases) {
      for (const on of [agent, new UserAgent(server.url)]) {
        const response = await on.get(authorizeUrl(app, { [name]: value }));
        expect(response.status, name).toBe(302);
        const location = new URL(response.headers.get("location")!);
        expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
        expect(location.searchParams.get("error")).toBe(code);
        expect(location.searchParams.get("state")).toBe("st-123");
        expect(location.searchParams.has("code")).toBe(false);
      }
      // An unregistered redirect URI is never redirected to, whatever else is wrong.
      const page = await agent.get(authorizeUrl(app, { [name]: value, redirect_uri: "https://evil.example/cb" }));
      await expectPageOrRedirect(page);
      expect(page.status).toBe(400);
      expect(page.headers.get("location")).toBeNull();
    }
  });

  it("refuses any repeated parameter and more than 100 parameters (RFC 6749 §3.1) (#20 item 10)", async () => {
    const repeated = await agent.get(`${authorizeUrl(app)}&foo=1&foo=2`);
    expect(repeated.status).toBe(302);
    const location = new URL(repeated.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.has("code")).toBe(false);
    const flood = Array.from({ length: 100 }, (_, i) => `x${i}=1`).join("&");
    const page = await agent.get(`${authorizeUrl(app)}&${flood}`);
    await expectPageOrRedirect(page);
    expect(page.status).toBe(400);
    expect(page.headers.get("location")).toBeNull();
  });

  it("answers odd methods and paths without a 500", async () => {
    const post = await fetch(`${server.url}/oauth2/authorize`, { method: "POST", body: "client_id=x" });
    expect(post.status).toBeLessThan(500);
    const nested = await fetch(`${server.url}/oauth2/authorize/%ff`);
    expect(nested.status).toBeLessThan(500);
  });
});

describe("bad consent form posts", () => {
  it("answers garbage, JSON and empty bodies with a page, never a 500", async () => {
    const forms: Record<string, string>[] = [
      {},
      { request_id: "garbage", csrf_token: "garbage", decision: "allow" },
      { request_id: "a.b.c", csrf_token: "x".repeat(10_000), decision: "allow" },
      { request_id: `${Buffer.from("not json").toString("base64url")}.sig`, decision: "allow" },
    ];
    for (const form of forms) {
      const response = await agent.post("/oauth2/authorize/decision", form);
      await expectPageOrRedirect(response);
      expect(response.headers.get("location")).toBeNull();
    }
    const json = await fetch(`${server.url}/oauth2/authorize/decision`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      },
      body: JSON.stringify({ decision: "allow" }),
    });
    await expectPageOrRedirect(json);
  });

  it("refuses a repeated field or more than 100 fields with an error page, never a decision (#20 item 10)", async () => {
    const consent = await agent.get(authorizeUrl(app, { prompt: "consent" }));
    const html = await consent.text();
    const form = { csrf_token: hiddenField(html, "csrf_token"), request_id: hiddenField(html, "request_id") };
    const repeated = `${new URLSearchParams({ ...form, decision: "allow" })}&decision=allow`;
    const flood = `${new URLSearchParams({ ...form, decision: "allow" })}&${Array.from({ length: 98 }, (_, i) => `x${i}=1`).join("&")}`;
    for (const body of [repeated, flood]) {
      const response = await fetch(`${server.url}/oauth2/authorize/decision`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: server.url,
          cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        },
        body,
      });
      await expectPageOrRedirect(response);
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
    }
    // (control) the same form once is a decision.
    const allowed = await agent.post("/oauth2/authorize/decision", { ...form, decision: "allow" });
    expect(allowed.status).toBe(303);
    expect(new URL(allowed.headers.get("location")!).searchParams.get("code")).toBeTruthy();
  });
});

describe("bad bearer tokens at the protected endpoints", () => {
  const ENDPOINTS = ["/api/v1/users/@me", "/api/v1/users/@me/guilds", "/oauth2/userinfo"];

  function expectUnauthorized(response: JsonResponse, withError: boolean): void {
    expect(response.status, response.text).toBe(401);
    const challenge = response.headers.get("www-authenticate") ?? "";
    expect(challenge).toMatch(/^Bearer realm="latch"/);
    if (withError) expect(challenge).toContain('error="invalid_token"');
    // RFC 6750 §3.1: a request without any token gets no error code in the challenge.
    else expect(challenge).not.toContain("error=");
    expect(response.headers.get("cache-control")).toContain("no-store");
    expect(response.text).not.toMatch(/at .*\.ts:\d+/);
  }

  async function foreignJwt(kid: string): Promise<string> {
    const { privateKey } = await generateKeyPair("ES256");
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ client_id: app.clientId, scope: "identify guilds openid", jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid })
      .setIssuer(server.url)
      .setSubject(user.id)
      .setAudience(server.url)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
  }

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint}: no token, an empty Bearer and another scheme get 401 without an error code`, async () => {
      for (const header of [undefined, "", "Bearer", "Bearer ", "Basic x", basicOf(app), "Token abc", "bearer"]) {
        expectUnauthorized(await getWithBearer(server, endpoint, header), false);
      }
    });

    it(`${endpoint}: JWTs signed by another key, unsigned and garbage tokens get 401 invalid_token`, async () => {
      const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      const realKid = jwks.keys[0]!.kid;
      const { publicKey } = await generateKeyPair("ES256");
      expect((await exportJWK(publicKey)).kty).toBe("EC");
      const header = Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt", kid: realKid })).toString("base64url");
      const payload = Buffer.from(JSON.stringify({ iss: server.url, sub: user.id, client_id: app.clientId })).toString(
        "base64url",
      );
      for (const presented of [
        await foreignJwt(realKid),
        await foreignJwt("attacker-kid"),
        `${header}.${payload}.`,
        `${header}.${payload}.c2ln`,
        "garbage",
        "latch_at_garbage",
        "a.b.c",
        "x".repeat(4000),
      ]) {
        expectUnauthorized(await getWithBearer(server, endpoint, `Bearer ${presented}`), true);
      }
    });
  }

  it("an expired opaque token (and an expired JWT's row) gets 401 invalid_token", async () => {
    const code = await obtainCode(server, agent, user, opaqueApp, { scope: "openid identify guilds" });
    const opaque = (
      await postForm(
        server,
        "/oauth2/token",
        { grant_type: "authorization_code", code, redirect_uri: REDIRECT },
        { auth: basicOf(opaqueApp) },
      )
    ).body;
    const jwtCode = await obtainCode(server, agent, user, app, { scope: "openid identify guilds" });
    const jwt = (
      await postForm(
        server,
        "/oauth2/token",
        { grant_type: "authorization_code", code: jwtCode, redirect_uri: REDIRECT },
        { auth: basicOf(app) },
      )
    ).body;
    for (const endpoint of ENDPOINTS) {
      expect((await getWithBearer(server, endpoint, `Bearer ${opaque.access_token}`)).status).toBe(200);
      expect((await getWithBearer(server, endpoint, `Bearer ${jwt.access_token}`)).status).toBe(200);
    }
    await sql(server, "update access_tokens set expires_at = now() - interval '1 second' where token_hash = ?", [
      hashSecret(opaque.access_token),
    ]);
    const jti = JSON.parse(Buffer.from(jwt.access_token.split(".")[1], "base64url").toString()).jti;
    await sql(server, "update access_tokens set expires_at = now() - interval '1 second' where id = ?", [jti]);
    // Changed behind the server's back (as another process would): the token-state cache hears of it by NOTIFY.
    await expect
      .poll(async () => (await getWithBearer(server, ENDPOINTS[0]!, `Bearer ${jwt.access_token}`)).status, {
        timeout: 1000,
        interval: 20,
      })
      .toBe(401);
    for (const endpoint of ENDPOINTS) {
      expectUnauthorized(await getWithBearer(server, endpoint, `Bearer ${opaque.access_token}`), true);
      expectUnauthorized(await getWithBearer(server, endpoint, `Bearer ${jwt.access_token}`), true);
    }
  });

  it("a malformed Bearer credential (not a b64token) is a 400 invalid_request with a challenge", async () => {
    for (const header of ["Bearer a b", "Bearer a,b", "Bearer <script>"]) {
      const response = await getWithBearer(server, "/api/v1/users/@me", header);
      expect(response.status, header).toBe(400);
      expect(response.body.error).toBe("invalid_request");
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="latch", error="invalid_request"/);
    }
  });
});
