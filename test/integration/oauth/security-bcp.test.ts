import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorizeUrl,
  countCodes,
  expectErrorPage,
  obtainCode,
  pkce,
  redirectParams,
  signedInAgent,
  sql,
  token,
} from "../../support/oauth-client.ts";
import { createApp, createUser, REDIRECT, type TestApp, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, UserAgent } from "../../support/user-agent.ts";

/**
 * RFC 9700 (OAuth 2.0 Security Best Current Practice), front channel: what the authorization endpoint and the
 * consent form do with an attacker's input. Token-endpoint attacks are in security-bcp-tokens.test.ts.
 */

let server: TestServer;
let user: TestUser;
let organizationId: string;
let app: TestApp;
let agent: UserAgent;

beforeAll(async () => {
  server = await startTestServer();
  ({ user, organizationId } = await createUser(server.orm));
  app = await createApp(server.orm, organizationId);
  agent = await signedInAgent(server, user);
});
afterAll(() => server?.stop());

/** The consent page for `target` (prompt=consent forces it even after an earlier grant). */
async function consentForm(
  on: UserAgent,
  target: TestApp,
  params: Record<string, string | undefined> = {},
): Promise<{ response: Response; html: string; requestId: string; csrf: string }> {
  const response = await on.get(authorizeUrl(target, { prompt: "consent", ...params }));
  const html = await response.text();
  expect(response.status, html.slice(0, 300)).toBe(200);
  return { response, html, requestId: hiddenField(html, "request_id"), csrf: hiddenField(html, "csrf_token") };
}

describe("RFC 9700 §4.1 insufficient redirect URI validation: exact matching, error page, never a redirect", () => {
  const manipulated: [string, string][] = [
    ["a path suffix", "http://127.0.0.1:8787/callback/evil"],
    ["a longer last segment", "http://127.0.0.1:8787/callbackx"],
    ["a parent path", "http://127.0.0.1:8787/"],
    ["a dot segment", "http://127.0.0.1:8787/callback/../evil"],
    ["an added query", "http://127.0.0.1:8787/callback?next=https://evil.example"],
    ["an empty query", "http://127.0.0.1:8787/callback?"],
    ["another scheme", "https://127.0.0.1:8787/callback"],
    ["an upper-case scheme", "HTTP://127.0.0.1:8787/callback"],
    ["a host suffix", "http://127.0.0.1:8787.evil.example/callback"],
    ["a host prefix", "http://evil.127.0.0.1:8787/callback"],
    ["an attacker host", "https://evil.example/callback"],
    ["a case change in the path", "http://127.0.0.1:8787/Callback"],
    ["a percent-encoded path", "http://127.0.0.1:8787/%63allback"],
    ["a fragment", "http://127.0.0.1:8787/callback#x"],
    ["userinfo", "http://attacker@127.0.0.1:8787/callback"],
    ["userinfo that hides the host", "http://127.0.0.1:8787@evil.example/callback"],
    ["localhost instead of 127.0.0.1", "http://localhost:8787/callback"],
    ["[::1] instead of 127.0.0.1", "http://[::1]:8787/callback"],
    ["a loopback port out of range", "http://127.0.0.1:99999/callback"],
    ["another port and another path", "http://127.0.0.1:9999/evil"],
    ["a trailing space", "http://127.0.0.1:8787/callback "],
  ];

  beforeAll(async () => {
    // Signed in and with consent given, a mismatch is the only thing standing between the code and the attacker.
    await obtainCode(server, agent, user, app);
  });

  for (const [what, redirectUri] of manipulated) {
    it(`refuses a redirect_uri that differs by ${what}: ${redirectUri}`, async () => {
      const before = await countCodes(server);
      const page = await expectErrorPage(await agent.get(authorizeUrl(app, { redirect_uri: redirectUri })));
      expect(page).toContain("redirect_uri does not match");
      expect(page).not.toContain("evil.example");
      expect(await countCodes(server)).toBe(before);
    });
  }

  it("refuses the mismatch before sending the user to log in (no session)", async () => {
    const anonymous = new UserAgent(server.url);
    await expectErrorPage(await anonymous.get(authorizeUrl(app, { redirect_uri: "https://evil.example/cb" })));
  });

  it("refuses a mismatch on every alias of the authorization endpoint", async () => {
    for (const path of ["/api/v1/oauth2/authorize", "/oauth/authorize"]) {
      await expectErrorPage(await agent.get(authorizeUrl(app, { redirect_uri: "https://evil.example/cb" }, path)));
    }
  });

  it("allows the RFC 8252 §7.3 loopback exception: same path on another port of 127.0.0.1", async () => {
    const native = await createApp(server.orm, organizationId, { redirectUris: ["http://127.0.0.1/callback"] });
    const other = "http://127.0.0.1:51234/callback";
    const code = await obtainCode(server, agent, user, native, { redirect_uri: other });
    // The code is bound to the port the app listened on: the token request must repeat that exact URI.
    const wrongPort = await token(server, native, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
    expect(wrongPort.body.error).toBe("invalid_grant");
    const ok = await token(server, native, { grant_type: "authorization_code", code, redirect_uri: other });
    expect(ok.status, ok.text).toBe(200);

    const response = await agent.get(authorizeUrl(native, { redirect_uri: "http://127.0.0.1:40001/callback" }));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^http:\/\/127\.0\.0\.1:40001\/callback\?code=/);
  });

  it("gives no port exception to localhost or to https hosts (RFC 8252 §8.3)", async () => {
    const local = await createApp(server.orm, organizationId, {
      redirectUris: ["http://localhost:8787/callback", "https://app.example/callback"],
    });
    for (const uri of ["http://localhost:9999/callback", "https://app.example:8443/callback"]) {
      await expectErrorPage(await agent.get(authorizeUrl(local, { redirect_uri: uri })));
    }
  });

  it("requires redirect_uri when an app registers several, instead of guessing one", async () => {
    const several = await createApp(server.orm, organizationId, {
      redirectUris: [REDIRECT, "https://app.example/callback"],
    });
    await expectErrorPage(await agent.get(authorizeUrl(several, { redirect_uri: undefined })));
  });

  it("rechecks the redirect URI when the consent form is sent: one removed meanwhile gets an error page", async () => {
    const changing = await createApp(server.orm, organizationId, {
      redirectUris: [REDIRECT, "https://app.example/callback"],
    });
    const form = await consentForm(agent, changing);
    await sql(server, "delete from redirect_uris where uri = ? and application_id = ?", [REDIRECT, changing.id]);
    const before = await countCodes(server);
    const decided = await agent.post("/oauth2/authorize/decision", {
      request_id: form.requestId,
      csrf_token: form.csrf,
      decision: "allow",
    });
    await expectErrorPage(decided);
    expect(await countCodes(server)).toBe(before);
  });
});

describe("RFC 9700 §4.11 / RFC 6749 §4.1.2.1 open redirection through the authorization endpoint", () => {
  it("shows an error page for an unknown client_id, whatever redirect_uri it names", async () => {
    for (const clientId of ["latch_ci_doesnotexist0000000", app.clientId.slice(0, -1), ""]) {
      await expectErrorPage(
        await agent.get(authorizeUrl({ clientId }, { redirect_uri: REDIRECT, response_type: "token" })),
      );
    }
  });

  it("shows an error page for a disabled app, even with its registered redirect URI", async () => {
    const disabled = await createApp(server.orm, organizationId);
    await sql(server, "update applications set is_active = false where id = ?", [disabled.id]);
    const page = await expectErrorPage(await agent.get(authorizeUrl(disabled)));
    expect(page).toContain("disabled");
    await expectErrorPage(await new UserAgent(server.url).get(authorizeUrl(disabled, { prompt: "none" })));
  });

  it("shows an error page when the redirect URI is wrong, even if other parameters are wrong too", async () => {
    await expectErrorPage(
      await agent.get(
        authorizeUrl(app, { redirect_uri: "https://evil.example/cb", response_type: "token", prompt: "bogus" }),
      ),
    );
  });

  const redirectable: [string, Record<string, string | undefined>, string][] = [
    ["prompt=bogus", { prompt: "bogus" }, "invalid_request"],
    ["response_type=token (implicit, RFC 9700 §2.1.2)", { response_type: "token" }, "unsupported_response_type"],
    ["response_type missing", { response_type: undefined }, "invalid_request"],
    ["response_mode=fragment", { response_mode: "fragment" }, "invalid_request"],
    ["a scope the app may not request", { scope: "identify bot" }, "invalid_scope"],
    ["a malformed scope", { scope: 'identify "x"' }, "invalid_scope"],
    ["a repeated parameter", { scope: "identify", nonce: undefined }, "invalid_request"],
  ];
  for (const [what, params, error] of redirectable) {
    it(`sends ${what} back to the REGISTERED redirect URI only, with error, state and iss`, async () => {
      let url = authorizeUrl(app, params);
      if (what === "a repeated parameter") url += "&nonce=a&nonce=b";
      for (const on of [agent, new UserAgent(server.url)]) {
        const response = await on.get(url);
        expect(response.status).toBe(302);
        const { url: target, params: query } = redirectParams(response);
        expect(`${target.origin}${target.pathname}`).toBe(REDIRECT);
        expect(query.get("error")).toBe(error);
        expect(query.get("error_description")).toBeTruthy();
        expect(query.get("state")).toBe("st-123");
        expect(query.get("iss")).toBe(server.url);
        expect(query.get("code")).toBeNull();
      }
    });
  }

  it("without redirect_uri, errors go to the single registered URI (RFC 6749 §3.1.2.3)", async () => {
    const response = await agent.get(authorizeUrl(app, { redirect_uri: undefined, prompt: "bogus" }));
    expect(response.headers.get("location")).toMatch(/^http:\/\/127\.0\.0\.1:8787\/callback\?error=invalid_request/);
  });
});

describe("RFC 9700 §4.7 and §2.1 CSRF on the consent form", () => {
  let other: UserAgent;

  beforeAll(async () => {
    // Another session of the same user: tokens are bound to the session, not merely to the account.
    other = await signedInAgent(server, user);
  });

  async function expectNothingMinted(send: () => Promise<Response>, status: number): Promise<void> {
    const before = await countCodes(server);
    const response = await send();
    await expectErrorPage(response, status);
    expect(await countCodes(server)).toBe(before);
  }

  it("refuses a decision without csrf_token (403, no redirect, no code)", async () => {
    const form = await consentForm(agent, app);
    await expectNothingMinted(
      () => agent.post("/oauth2/authorize/decision", { request_id: form.requestId, decision: "allow" }),
      403,
    );
  });

  it("refuses a csrf_token issued to another session", async () => {
    const mine = await consentForm(agent, app);
    const theirs = await consentForm(other, app);
    await expectNothingMinted(
      () =>
        agent.post("/oauth2/authorize/decision", {
          request_id: mine.requestId,
          csrf_token: theirs.csrf,
          decision: "allow",
        }),
      403,
    );
  });

  it("refuses a foreign or opaque Origin header even with a valid token", async () => {
    for (const origin of ["https://evil.example", "null", `${server.url}.evil.example`]) {
      const form = await consentForm(agent, app);
      await expectNothingMinted(
        () =>
          agent.post(
            "/oauth2/authorize/decision",
            { request_id: form.requestId, csrf_token: form.csrf, decision: "allow" },
            { origin },
          ),
        403,
      );
    }
  });

  it("refuses a request_id signed for another session (an attacker's own consent request)", async () => {
    const mine = await consentForm(agent, app);
    const theirs = await consentForm(other, app, { state: "attacker-state" });
    await expectNothingMinted(
      () =>
        agent.post("/oauth2/authorize/decision", {
          request_id: theirs.requestId,
          csrf_token: mine.csrf,
          decision: "allow",
        }),
      400,
    );
  });

  it("refuses a tampered request_id (another client's request under the same signature)", async () => {
    const form = await consentForm(agent, app);
    const [body, mac] = form.requestId.split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString());
    payload.q = payload.q.replace("st-123", "evil");
    const forged = `${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${mac}`;
    await expectNothingMinted(
      () => agent.post("/oauth2/authorize/decision", { request_id: forged, csrf_token: form.csrf, decision: "allow" }),
      400,
    );
  });

  it("refuses a decision without a session cookie", async () => {
    const form = await consentForm(agent, app);
    await expectNothingMinted(
      () =>
        new UserAgent(server.url).post("/oauth2/authorize/decision", {
          request_id: form.requestId,
          csrf_token: form.csrf,
          decision: "allow",
        }),
      400,
    );
  });

  it("echoes state exactly, so the client can bind the response to its request (§4.7.1)", async () => {
    const state = "a b+c/d?e=f&g#h%20é";
    const response = await agent.get(authorizeUrl(app, { state }));
    expect(redirectParams(response).params.get("state")).toBe(state);
  });
});

describe("RFC 9700 §4.12 307 redirects: the consent POST answers 303, so the browser never re-POSTs the form", () => {
  it("answers Authorize and Deny with 303 See Other", async () => {
    for (const decision of ["allow", "deny"]) {
      const form = await consentForm(agent, app);
      const response = await agent.post("/oauth2/authorize/decision", {
        request_id: form.requestId,
        csrf_token: form.csrf,
        decision,
      });
      expect(response.status).toBe(303);
    }
  });
});

describe("RFC 9700 §4.16 clickjacking: pages cannot be framed", () => {
  function expectUnframeable(response: Response): void {
    expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  }

  it("the consent page", async () => {
    const { response } = await consentForm(agent, app);
    expectUnframeable(response);
  });

  it("the login page, the authorize error page and the decision error page", async () => {
    expectUnframeable(await new UserAgent(server.url).get("/login"));
    expectUnframeable(await agent.get(authorizeUrl(app, { redirect_uri: "https://evil.example/cb" })));
    expectUnframeable(await agent.post("/oauth2/authorize/decision", { decision: "allow" }));
  });
});

describe("RFC 9700 §4.2.4 credential leakage via Referer: authorization pages send Referrer-Policy: no-referrer", () => {
  it("on the consent page, the login page, the error page and the redirect carrying the code", async () => {
    const { response: consent, html: consentHtml } = await consentForm(agent, app);
    const login = await new UserAgent(server.url).get(authorizeUrl(app));
    const loginPage = await new UserAgent(server.url).get("/login");
    const error = await agent.get(authorizeUrl(app, { redirect_uri: "https://evil.example/cb" }));
    const codeRedirect = await agent.get(authorizeUrl(app));
    expect(codeRedirect.headers.get("location")).toContain("code=");
    for (const response of [consent, login, loginPage, error, codeRedirect]) {
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
    // A browser applies a page's <meta name="referrer"> over the header (HTML, "referrer policy" of the document):
    // on the pages that is same-origin (so the CSRF check still sees an Origin), which sends another origin nothing.
    for (const body of [consentHtml, await loginPage.text(), await error.text()]) {
      const policies = [...body.matchAll(/<meta name="referrer" content="([^"]+)">/g)].map((m) => m[1]);
      expect(policies).toEqual(["same-origin"]);
    }
  });

  it("keeps the code out of caches (RFC 9700 §4.3)", async () => {
    const codeRedirect = await agent.get(authorizeUrl(app));
    expect(codeRedirect.headers.get("cache-control")).toContain("no-store");
    const { response } = await consentForm(agent, app);
    expect(response.headers.get("cache-control")).toContain("no-store");
  });
});

describe("RFC 9700 §4.4 mix-up: every authorization response carries iss (RFC 9207)", () => {
  it("discovery advertises authorization_response_iss_parameter_supported", async () => {
    for (const path of ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]) {
      const metadata = (await (await fetch(`${server.url}${path}`)).json()) as Record<string, unknown>;
      expect(metadata.issuer).toBe(server.url);
      expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
      expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
    }
  });

  it("on success (consent and reused consent) and on every kind of error redirect", async () => {
    const fresh = await createApp(server.orm, organizationId);
    const responses: Response[] = [];
    // prompt=none before any consent → consent_required; signed out → login_required.
    responses.push(await agent.get(authorizeUrl(fresh, { prompt: "none" })));
    responses.push(await new UserAgent(server.url).get(authorizeUrl(fresh, { prompt: "none" })));
    // Deny → access_denied; Allow → code (303 from the consent form).
    for (const decision of ["deny", "allow"]) {
      const form = await consentForm(agent, fresh);
      responses.push(
        await agent.post("/oauth2/authorize/decision", { request_id: form.requestId, csrf_token: form.csrf, decision }),
      );
    }
    // Reused consent → code (302 straight from the authorization endpoint); then a validation error.
    responses.push(await agent.get(authorizeUrl(fresh)));
    responses.push(await agent.get(authorizeUrl(fresh, { code_challenge_method: "plain", code_challenge: "x" })));

    const seen = responses.map((response) => {
      const { params } = redirectParams(response);
      expect(params.get("iss")).toBe(server.url);
      expect(params.getAll("iss")).toHaveLength(1);
      return params.get("error") ?? "code";
    });
    expect(seen).toEqual(["consent_required", "login_required", "access_denied", "code", "code", "invalid_request"]);
  });

  it("keeps the registered redirect URI's own query and adds iss once", async () => {
    const withQuery = await createApp(server.orm, organizationId, {
      redirectUris: ["https://app.example/cb?tenant=1"],
    });
    const code = await obtainCode(server, agent, user, withQuery, { redirect_uri: "https://app.example/cb?tenant=1" });
    expect(code).toMatch(/^latch_ac_/);
    const response = await agent.get(authorizeUrl(withQuery, { redirect_uri: "https://app.example/cb?tenant=1" }));
    const { url, params } = redirectParams(response);
    expect(url.pathname).toBe("/cb");
    expect(params.get("tenant")).toBe("1");
    expect(params.get("iss")).toBe(server.url);
  });
});

describe("RFC 9700 §4.8 PKCE downgrade at the authorization endpoint", () => {
  it("refuses code_challenge_method=plain, and a challenge without a method (which means plain)", async () => {
    const { challenge } = pkce();
    for (const params of [
      { code_challenge: challenge, code_challenge_method: "plain" },
      { code_challenge: challenge, code_challenge_method: undefined },
      { code_challenge: challenge, code_challenge_method: "S512" },
      { code_challenge: "too-short", code_challenge_method: "S256" },
      { code_challenge: undefined, code_challenge_method: "S256" },
    ]) {
      const response = await agent.get(authorizeUrl(app, params));
      const { params: query } = redirectParams(response);
      expect(query.get("error"), JSON.stringify(params)).toBe("invalid_request");
      expect(query.get("state")).toBe("st-123");
      expect(query.get("iss")).toBe(server.url);
    }
  });

  it("refuses a public client without PKCE (RFC 9700 §2.1.1)", async () => {
    const publicApp = await createApp(server.orm, organizationId, {
      type: "public",
      grantTypes: ["authorization_code", "refresh_token"],
    });
    for (const on of [agent, new UserAgent(server.url)]) {
      const { params } = redirectParams(await on.get(authorizeUrl(publicApp)));
      expect(params.get("error")).toBe("invalid_request");
      expect(params.get("error_description")).toContain("code_challenge");
      expect(params.get("iss")).toBe(server.url);
    }
  });
});
