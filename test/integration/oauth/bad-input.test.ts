import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../../server/crypto/sha256.ts";
import {
  basic,
  basicOf,
  expectOAuthError,
  type JsonResponse,
  obtainCode,
  postForm,
  signedInAgent,
  sql,
} from "../../support/oauth-client.ts";
import { createApp, createUser, REDIRECT, type TestApp, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import type { UserAgent } from "../../support/user-agent.ts";

/**
 * Bad input at the token, revocation and introspection endpoints (and their aliases): every answer is an RFC 6749
 * §5.2 JSON error with `error`, `error_description` and `Cache-Control: no-store`, never a 500 or a stack trace.
 * The authorization and bearer endpoints are in bad-input-browser.test.ts.
 */

const TOKEN_PATHS = ["/oauth2/token", "/api/v1/oauth2/token", "/oauth/token"];
const REVOKE_PATHS = ["/oauth2/revoke", "/api/v1/oauth2/token/revoke"];
const INTROSPECT_PATHS = ["/oauth2/introspect"];
const ALL_PATHS = [...TOKEN_PATHS, ...REVOKE_PATHS, ...INTROSPECT_PATHS];

let server: TestServer;
let user: TestUser;
let organizationId: string;
let agent: UserAgent;
let app: TestApp;
let otherApp: TestApp;
let publicApp: TestApp;

beforeAll(async () => {
  server = await startTestServer();
  ({ user, organizationId } = await createUser(server.orm));
  app = await createApp(server.orm, organizationId, { allowedScopes: ["identify", "guilds", "chat:read"] });
  otherApp = await createApp(server.orm, organizationId);
  publicApp = await createApp(server.orm, organizationId, {
    type: "public",
    grantTypes: ["authorization_code", "refresh_token"],
  });
  agent = await signedInAgent(server, user);
});
afterAll(() => server?.stop());

/**
 * POSTs on a connection of its own (Connection: close). The server answers 413 before reading the body and then
 * drops the connection, which would break whichever later request fetch's keep-alive pool put on it.
 */
function postOnOwnConnection(url: string, body: string, authorization: string): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent: false,
        headers: {
          connection: "close",
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
          authorization,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === "string") headers.set(name, value);
          }
          resolve({ status: response.statusCode!, headers, text, body: JSON.parse(text) });
        });
      },
    );
    // The server may stop reading once it has answered: that is the point, not a failure.
    request.on("error", (error) => ((error as NodeJS.ErrnoException).code === "EPIPE" ? undefined : reject(error)));
    request.end(body);
  });
}

/** A well-formed body for `path`, so the one thing wrong is the thing under test. */
function validForm(path: string): Record<string, string> {
  if (TOKEN_PATHS.includes(path)) return { grant_type: "client_credentials" };
  return { token: "latch_at_not-a-real-token" };
}

function expectInvalidClient(response: JsonResponse): void {
  expectOAuthError(response, 401, "invalid_client");
  expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="latch"/);
}

function tokenCall(form: Record<string, string> | string, auth: string | undefined = basicOf(app)) {
  return postForm(server, "/oauth2/token", form, auth ? { auth } : {});
}

describe.each(ALL_PATHS)("bad requests to %s", (path) => {
  it("refuses a JSON body with 400 invalid_request", async () => {
    const response = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basicOf(app) },
      body: JSON.stringify(validForm(path)),
    });
    const json = { status: response.status, headers: response.headers, text: await response.text() } as JsonResponse;
    json.body = JSON.parse(json.text);
    expectOAuthError(json, 400, "invalid_request");
  });

  it("refuses a multipart body and a body without Content-Type", async () => {
    const multipart = new FormData();
    for (const [name, value] of Object.entries(validForm(path))) multipart.append(name, value);
    for (const init of [
      { body: multipart, headers: { authorization: basicOf(app) } },
      { body: new Blob([new URLSearchParams(validForm(path)).toString()]), headers: { authorization: basicOf(app) } },
    ]) {
      const response = await fetch(`${server.url}${path}`, { method: "POST", ...init });
      const text = await response.text();
      expectOAuthError(
        { status: response.status, headers: response.headers, text, body: JSON.parse(text) },
        400,
        "invalid_request",
      );
    }
  });

  it("refuses a repeated parameter with invalid_request", async () => {
    const name = TOKEN_PATHS.includes(path) ? "grant_type" : "token";
    const body = `${new URLSearchParams(validForm(path))}&${name}=${encodeURIComponent(validForm(path)[name]!)}`;
    expectOAuthError(await postForm(server, path, body, { auth: basicOf(app) }), 400, "invalid_request");
    // client_id twice is a repeated parameter too, not a chance to pick the friendlier one.
    const ids = `${new URLSearchParams(validForm(path))}&client_id=${publicApp.clientId}&client_id=${app.clientId}`;
    expectOAuthError(await postForm(server, path, ids), 400, "invalid_request");
  });

  it("refuses any repeated parameter and more than 100 parameters, but accepts 100 (#20 item 10)", async () => {
    const form = new URLSearchParams(validForm(path));
    const auth = { auth: basicOf(app) };
    expectOAuthError(await postForm(server, path, `${form}&foo=1&foo=2`, auth), 400, "invalid_request");
    const filler = (count: number) => Array.from({ length: count }, (_, i) => `x${i}=1`).join("&");
    const flood = await postForm(server, path, `${form}&${filler(101 - form.size)}`, auth);
    expectOAuthError(flood, 400, "invalid_request");
    expect(flood.body.error_description).toMatch(/at most 100 parameters/);
    const hundred = await postForm(server, path, `${form}&${filler(100 - form.size)}`, auth);
    expect(hundred.status, hundred.text).toBe(200);
  });

  it("refuses a body over 256 KiB with 413 JSON", async () => {
    const body = `${new URLSearchParams(validForm(path))}&pad=${"a".repeat(256 * 1024 + 1)}`;
    const response = await postOnOwnConnection(`${server.url}${path}`, body, basicOf(app));
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.body.error).toBe("invalid_request");
    expect(response.body.error_description).toBeTruthy();
    expect(response.headers.get("cache-control")).toContain("no-store");
  });

  const malformedBasic: [string, string][] = [
    ["the scheme alone", "Basic"],
    ["a non-base64 token", "Basic !!!notbase64!!!"],
    ["a non-canonical base64 token", "Basic YWJj=="],
    ["no colon", `Basic ${Buffer.from("justanid").toString("base64")}`],
    ["an empty client_id", `Basic ${Buffer.from(":secret").toString("base64")}`],
    ["an empty secret", `Basic ${Buffer.from("id:").toString("base64")}`],
    ["invalid UTF-8", `Basic ${Buffer.from([0x69, 0x64, 0x3a, 0xff, 0xfe]).toString("base64")}`],
    ["a malformed percent-escape", `Basic ${Buffer.from("id%zz:secret").toString("base64")}`],
    ["a NUL byte in the client_id", `Basic ${Buffer.from("id\u0000x:secret").toString("base64")}`],
    ["another scheme", "Digest username=x"],
    ["a huge header", `Basic ${Buffer.from(`${"a".repeat(6000)}:b`).toString("base64")}`],
  ];
  for (const [what, header] of malformedBasic) {
    it(`refuses a Basic header with ${what} as 401 invalid_client with WWW-Authenticate: Basic`, async () => {
      expectInvalidClient(await postForm(server, path, validForm(path), { auth: header }));
    });
  }

  it("refuses a wrong secret, an unknown client and no client at all with 401 invalid_client", async () => {
    const form = validForm(path);
    expectInvalidClient(await postForm(server, path, form, { auth: basic(app.clientId, "latch_cs_wrong") }));
    expectInvalidClient(await postForm(server, path, form, { auth: basic(app.clientId, otherApp.clientSecret!) }));
    expectInvalidClient(await postForm(server, path, form, { auth: basic("latch_ci_unknown", app.clientSecret!) }));
    expectInvalidClient(await postForm(server, path, { ...form, client_id: app.clientId, client_secret: "nope" }));
    expectInvalidClient(await postForm(server, path, { ...form, client_id: "latch_ci_unknown" }));
    expectInvalidClient(await postForm(server, path, { ...form, client_id: "x".repeat(5000) }));
    expectInvalidClient(await postForm(server, path, { ...form, client_id: "bad\u0000id" }));
    expectInvalidClient(await postForm(server, path, form));
  });

  it("refuses two client authentication methods at once (RFC 6749 §2.3)", async () => {
    const form = { ...validForm(path), client_secret: app.clientSecret! };
    expectOAuthError(await postForm(server, path, form, { auth: basicOf(app) }), 400, "invalid_request");
  });
});

describe("client secrets and apps that no longer authenticate", () => {
  async function freshApp(): Promise<TestApp> {
    return createApp(server.orm, organizationId);
  }

  for (const path of ALL_PATHS) {
    it(`${path}: a revoked secret, an expired secret and a disabled app get invalid_client`, async () => {
      const revoked = await freshApp();
      await sql(server, "update client_secrets set revoked_at = now() where application_id = ?", [revoked.id]);
      expectInvalidClient(await postForm(server, path, validForm(path), { auth: basicOf(revoked) }));

      const expired = await freshApp();
      await sql(server, "update client_secrets set expires_at = now() - interval '1 second' where application_id = ?", [
        expired.id,
      ]);
      expectInvalidClient(await postForm(server, path, validForm(path), { auth: basicOf(expired) }));

      const disabled = await freshApp();
      await sql(server, "update applications set is_active = false where id = ?", [disabled.id]);
      expectInvalidClient(await postForm(server, path, validForm(path), { auth: basicOf(disabled) }));
      expectInvalidClient(
        await postForm(server, path, {
          ...validForm(path),
          client_id: disabled.clientId,
          client_secret: disabled.clientSecret!,
        }),
      );
    });
  }

  it("(control) a fresh app's secret authenticates", async () => {
    const fresh = await freshApp();
    expect((await tokenCall({ grant_type: "client_credentials" }, basicOf(fresh))).status).toBe(200);
  });
});

describe("bad token requests", () => {
  it("refuses a missing grant_type with invalid_request", async () => {
    for (const path of TOKEN_PATHS) {
      expectOAuthError(await postForm(server, path, {}, { auth: basicOf(app) }), 400, "invalid_request");
      expectOAuthError(
        await postForm(server, path, { grant_type: "" }, { auth: basicOf(app) }),
        400,
        "invalid_request",
      );
    }
  });

  it("refuses an unknown grant_type with unsupported_grant_type, without echoing odd values", async () => {
    for (const grantType of [
      "implicit",
      "urn:ietf:params:oauth:grant-type:device_code",
      "<script>alert(1)</script>",
      "x".repeat(500),
    ]) {
      const response = await tokenCall({ grant_type: grantType });
      expectOAuthError(response, 400, "unsupported_grant_type");
      expect(response.text).not.toContain("<script>");
    }
  });

  it("refuses a repeated code with invalid_request", async () => {
    const body = `grant_type=authorization_code&code=a&code=b&redirect_uri=${encodeURIComponent(REDIRECT)}`;
    expectOAuthError(await tokenCall(body), 400, "invalid_request");
  });

  it("refuses a grant without its code or refresh token as invalid_request (RFC 6749 §5.2)", async () => {
    expectOAuthError(
      await tokenCall({ grant_type: "authorization_code", redirect_uri: REDIRECT }),
      400,
      "invalid_request",
    );
    expectOAuthError(await tokenCall({ grant_type: "refresh_token" }), 400, "invalid_request");
  });

  it("refuses scopes the app may not request with invalid_scope", async () => {
    for (const scope of ["bot", "email", "all", "admin", "openid", "chat:read chat:write", 'identify "q"', "\\"]) {
      expectOAuthError(await tokenCall({ grant_type: "client_credentials", scope }), 400, "invalid_scope");
    }
  });

  it("refuses garbage codes with invalid_grant", async () => {
    const real = await obtainCode(server, agent, user, app);
    const flipped = `${real.slice(0, -1)}${real.endsWith("A") ? "B" : "A"}`;
    for (const code of [
      "garbage",
      "x".repeat(10_000),
      `latch_rt_${real.slice("latch_ac_".length)}`,
      flipped,
      `${real}x`,
      "latch_ac_",
      "latch_ac_\u0000",
      "%ff%fe",
    ]) {
      expectOAuthError(
        await tokenCall({ grant_type: "authorization_code", code, redirect_uri: REDIRECT }),
        400,
        "invalid_grant",
      );
    }
    // None of those burned the real code.
    const ok = await tokenCall({ grant_type: "authorization_code", code: real, redirect_uri: REDIRECT });
    expect(ok.status, ok.text).toBe(200);
  });

  it("refuses an expired code with invalid_grant", async () => {
    const code = await obtainCode(server, agent, user, app);
    await sql(server, "update authorization_codes set expires_at = now() - interval '1 second' where code_hash = ?", [
      hashSecret(code),
    ]);
    expectOAuthError(
      await tokenCall({ grant_type: "authorization_code", code, redirect_uri: REDIRECT }),
      400,
      "invalid_grant",
    );
  });

  it("refuses garbage refresh tokens and another client's refresh token with invalid_grant", async () => {
    const code = await obtainCode(server, agent, user, app);
    const tokens = (await tokenCall({ grant_type: "authorization_code", code, redirect_uri: REDIRECT })).body;
    const real = tokens.refresh_token as string;
    const flipped = `${real.slice(0, -1)}${real.endsWith("A") ? "B" : "A"}`;
    for (const refreshToken of [
      "garbage",
      `latch_at_${real.slice("latch_rt_".length)}`,
      flipped,
      tokens.access_token,
    ]) {
      expectOAuthError(
        await tokenCall({ grant_type: "refresh_token", refresh_token: refreshToken }),
        400,
        "invalid_grant",
      );
    }
    expectOAuthError(
      await tokenCall({ grant_type: "refresh_token", refresh_token: real }, basicOf(otherApp)),
      400,
      "invalid_grant",
    );
    // An expired refresh token.
    await sql(server, "update refresh_tokens set expires_at = now() - interval '1 second' where application_id = ?", [
      app.id,
    ]);
    expectOAuthError(await tokenCall({ grant_type: "refresh_token", refresh_token: real }), 400, "invalid_grant");
  });

  it("refuses the password grant for an app that did not opt in with unauthorized_client", async () => {
    const response = await tokenCall({ grant_type: "password", username: user.email, password: user.password });
    expectOAuthError(response, 400, "unauthorized_client");
  });

  it("refuses bad password grant input for an app that opted in, never a 500", async () => {
    const opted = await createApp(server.orm, organizationId, {
      allowPasswordGrant: true,
      grantTypes: ["password", "refresh_token"],
    });
    const call = (form: Record<string, string>) => tokenCall({ grant_type: "password", ...form }, basicOf(opted));
    expectOAuthError(await call({ username: user.email }), 400, "invalid_request");
    expectOAuthError(await call({ password: "x" }), 400, "invalid_request");
    expectOAuthError(await call({ username: user.email, password: "wrong" }), 400, "invalid_grant");
    expectOAuthError(await call({ username: "no\u0000body@example.com", password: "x" }), 400, "invalid_grant");
    expectOAuthError(await call({ username: "x".repeat(10_000), password: "x" }), 400, "invalid_grant");
  });

  it("refuses client_credentials for a public app (unauthorized_client) or with a secret it cannot have (invalid_client)", async () => {
    expectOAuthError(
      await postForm(server, "/oauth2/token", { grant_type: "client_credentials", client_id: publicApp.clientId }),
      400,
      "unauthorized_client",
    );
    expectInvalidClient(
      await postForm(
        server,
        "/oauth2/token",
        { grant_type: "client_credentials" },
        { auth: basic(publicApp.clientId, "x") },
      ),
    );
  });

  it("refuses a confidential client that does not authenticate", async () => {
    expectInvalidClient(
      await postForm(server, "/oauth2/token", { grant_type: "client_credentials", client_id: app.clientId }),
    );
  });
});

describe("bad revocation and introspection requests", () => {
  it("refuses a missing token with invalid_request", async () => {
    for (const path of [...REVOKE_PATHS, ...INTROSPECT_PATHS]) {
      expectOAuthError(await postForm(server, path, {}, { auth: basicOf(app) }), 400, "invalid_request");
    }
  });

  it("answers garbage tokens with 200 (revocation) and active:false (introspection)", async () => {
    for (const tokenValue of [
      "garbage",
      "a.b.c",
      "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
      "latch_rt_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "latch_at_\u0000",
      "x".repeat(100_000),
    ]) {
      for (const path of REVOKE_PATHS) {
        const response = await postForm(server, path, { token: tokenValue }, { auth: basicOf(app) });
        expect(response.status, response.text).toBe(200);
        expect(response.headers.get("cache-control")).toContain("no-store");
      }
      const introspected = await postForm(server, "/oauth2/introspect", { token: tokenValue }, { auth: basicOf(app) });
      expect(introspected.status).toBe(200);
      expect(introspected.body).toEqual({ active: false });
      expect(introspected.headers.get("cache-control")).toContain("no-store");
    }
  });

  it("refuses introspection by a public client (RFC 7662 §2.1: the caller must authenticate)", async () => {
    expectInvalidClient(await postForm(server, "/oauth2/introspect", { token: "x", client_id: publicApp.clientId }));
  });
});
