import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../../server/crypto/password.ts";
import { Application, Event, Organization, RedirectUri, Session, User } from "../../../server/db/entities/index.ts";
import { resolveSession } from "../../../server/services/sessions/resolve-session.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

// Every POST /login below comes from 127.0.0.1, whose failures count against its 20-a-minute budget (successes do
// not): keep the file's failures under it. login-throttle.test.ts covers the throttle itself.

let server: TestServer;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  server = await startTestServer();
  const em = server.orm.em.fork();
  const passwordHash = await hashPassword(PASSWORD);
  for (const [email, displayName] of [
    ["Ada@Example.com", "Ada"],
    ["bob@example.com", "Bob"],
    ["carol@example.com", "Carol"],
  ] as const) {
    em.create(User, { email, emailNormalized: email.toLowerCase(), displayName, passwordHash, emailVerified: true });
  }
  const organization = await em.findOneOrFail(Organization, { id: server.firstRun!.organizationId });
  const app = em.create(Application, {
    organization,
    name: "Acme <Chat>",
    clientId: "latch_client_acme",
    type: "confidential",
    primaryColor: "#ff0",
    logoUrl: "javascript:alert(1)",
  });
  em.create(RedirectUri, { application: app, uri: "https://acme.example/callback" });
  await em.flush();
});
afterAll(() => server?.stop());

type LoginForm = { cookie: string; csrfToken: string };

/** GET /login as a browser would: returns the pre-login CSRF cookie and the form's token. */
async function openLoginForm(returnTo?: string): Promise<LoginForm> {
  const query = returnTo === undefined ? "" : `?${new URLSearchParams({ return_to: returnTo })}`;
  const response = await fetch(`${server.url}/login${query}`);
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith("latch_csrf="));
  const csrfToken = /name="csrf_token" value="([^"]+)"/.exec(await response.text())?.[1];
  return { cookie: cookie!.split(";")[0]!, csrfToken: csrfToken! };
}

async function postLogin(
  form: LoginForm | null,
  fields: { email: string; password: string; returnTo?: string; csrfToken?: string },
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${server.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(form && { cookie: form.cookie }),
      ...headers,
    },
    body: new URLSearchParams({
      email: fields.email,
      password: fields.password,
      csrf_token: fields.csrfToken ?? form?.csrfToken ?? "",
      ...(fields.returnTo !== undefined && { return_to: fields.returnTo }),
    }),
  });
}

function sessionCookieOf(response: Response): string | undefined {
  return response.headers.getSetCookie().find((value) => value.startsWith("latch_session="));
}

function errorTextOf(body: string): string | undefined {
  return /role="alert"[^>]*>([^<]*)</.exec(body)?.[1];
}

describe("login page", () => {
  it("renders with its own nonce-based CSP, no framing, and no caching", async () => {
    const response = await fetch(`${server.url}/login`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    const csp = response.headers.get("content-security-policy")!;
    const nonce = /style-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("img-src https: data:");
    const body = await response.text();
    expect(body).toContain(`<style nonce="${nonce}">`);
    expect(body).toContain('<input type="hidden" name="return_to" value="/account/connections">');
    const again = await fetch(`${server.url}/login`);
    expect(again.headers.get("content-security-policy")).not.toContain(`'nonce-${nonce}'`);
  });

  it("is branded for an authorization request of an active app, and allows its redirect origin", async () => {
    const returnTo = "/oauth2/authorize?client_id=latch_client_acme&response_type=code";
    const response = await fetch(`${server.url}/login?${new URLSearchParams({ return_to: returnTo })}`);
    const body = await response.text();
    expect(body).toContain("Sign in to continue to Acme &lt;Chat&gt;");
    expect(body).toContain("--primary:#ffff00;--on-primary:#111827");
    expect(body).not.toContain("javascript:");
    expect(response.headers.get("content-security-policy")).toContain("form-action 'self' https://acme.example;");
  });
});

describe("POST /login", () => {
  it("answers a wrong password and an unknown email the same way", async () => {
    const form = await openLoginForm();
    const wrong = await postLogin(form, { email: "ada@example.com", password: "not the password" });
    const unknown = await postLogin(form, { email: "nobody@example.com", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(sessionCookieOf(wrong)).toBeUndefined();
    const [wrongText, unknownText] = [errorTextOf(await wrong.text()), errorTextOf(await unknown.text())];
    expect(wrongText).toBe("Incorrect email or password.");
    expect(unknownText).toBe(wrongText);
    const em = server.orm.em.fork();
    const failures = await em.find(Event, { type: "user.login_failed" });
    expect(failures).toHaveLength(2);
    for (const event of failures) expect(event.payload).toEqual({ reason: "bad_credentials" });
  });

  it("signs in case-insensitively, sets an HttpOnly SameSite=Lax cookie and 303s to return_to", async () => {
    const form = await openLoginForm();
    const returnTo = "/oauth2/authorize?client_id=latch_client_acme&state=xyz";
    const response = await postLogin(form, { email: "ADA@example.COM", password: PASSWORD, returnTo });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(returnTo);
    const cookie = sessionCookieOf(response)!;
    expect(cookie).toMatch(/^latch_session=latch_ss_[0-9A-Za-z]{49};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    const token = cookie.split(";")[0]!.slice("latch_session=".length);
    const session = await resolveSession(server.orm.em.fork(), token, new Date());
    expect(session?.user.email).toBe("Ada@Example.com");
    const em = server.orm.em.fork();
    const stored = await em.findOneOrFail(Session, { id: session!.sessionId });
    expect(stored.tokenHash).not.toContain(token);
    expect(stored.authMethod).toBe("password");
    // LATCH_SESSION_ABSOLUTE_TIMEOUT's default: 30 days.
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(30 * 24 * 60 * 60 * 1000);
    const signedIn = await em.findOneOrFail(Event, { type: "user.signed_in", subjectId: session!.user.id });
    expect(signedIn.payload).toMatchObject({ method: "password" });
    expect(JSON.stringify(await em.find(Event, {}))).not.toContain(PASSWORD);
    expect((await em.findOneOrFail(User, { id: session!.user.id })).lastLoginAt).not.toBeNull();
  });

  it("ignores a return_to that leaves the origin", async () => {
    const form = await openLoginForm();
    for (const returnTo of ["https://evil.example/", "//evil.example", "/\\evil.example"]) {
      const response = await postLogin(form, { email: "bob@example.com", password: PASSWORD, returnTo });
      expect(response.status, returnTo).toBe(303);
      expect(response.headers.get("location"), returnTo).toBe("/account/connections");
    }
  });

  it("refuses a missing or invalid CSRF token, or a foreign Origin, with 403 and no session", async () => {
    const form = await openLoginForm();
    const attempts = [
      await postLogin(null, { email: "bob@example.com", password: PASSWORD, csrfToken: form.csrfToken }),
      await postLogin(form, { email: "bob@example.com", password: PASSWORD, csrfToken: "" }),
      await postLogin(form, { email: "bob@example.com", password: PASSWORD, csrfToken: `${form.csrfToken}x` }),
      await postLogin(form, { email: "bob@example.com", password: PASSWORD }, { origin: "https://evil.example" }),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(403);
      expect(sessionCookieOf(response)).toBeUndefined();
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(errorTextOf(await response.text())).toMatch(/expired/);
    }
  });

  it("answers an email holding a NUL byte like any unknown account, not with a 500", async () => {
    const form = await openLoginForm();
    const response = await postLogin(form, { email: "ada\u0000@example.com", password: "not the password" });
    expect(response.status).toBe(401);
    expect(errorTextOf(await response.text())).toBe("Incorrect email or password.");
  });

  it("refuses the 6th attempt for one email within a minute with 429 and Retry-After", async () => {
    const form = await openLoginForm();
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await postLogin(form, { email: "target@example.com", password: `guess ${attempt}` });
      expect(response.status, `attempt ${attempt}`).toBe(401);
    }
    const sixth = await postLogin(form, { email: "Target@Example.com", password: "guess 6" });
    expect(sixth.status).toBe(429);
    const retryAfter = Number(sixth.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(errorTextOf(await sixth.text())).toBe(`Too many attempts, try again in ${retryAfter} seconds.`);
  });
});

describe("logout", () => {
  it("asks for confirmation, requires CSRF, then ends the session and clears the cookie", async () => {
    const form = await openLoginForm();
    const login = await postLogin(form, { email: "carol@example.com", password: PASSWORD });
    const sessionCookie = sessionCookieOf(login)!.split(";")[0]!;
    const token = sessionCookie.slice("latch_session=".length);

    const confirm = await fetch(`${server.url}/logout`, { headers: { cookie: sessionCookie } });
    expect(confirm.status).toBe(200);
    const confirmBody = await confirm.text();
    expect(confirmBody).toContain('<form method="post" action="/logout">');
    const csrfToken = /name="csrf_token" value="([^"]+)"/.exec(confirmBody)![1]!;

    const post = (csrf: string) =>
      fetch(`${server.url}/logout`, {
        method: "POST",
        headers: { cookie: sessionCookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrf_token: csrf }),
      });
    const forged = await post("");
    expect(forged.status).toBe(403);
    expect(await resolveSession(server.orm.em.fork(), token, new Date())).not.toBeNull();

    const response = await post(csrfToken);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("You&#39;re signed out");
    expect(sessionCookieOf(response)).toMatch(/Max-Age=0/);
    expect(await resolveSession(server.orm.em.fork(), token, new Date())).toBeNull();
    expect(await server.orm.em.fork().count(Event, { type: "user.signed_out" })).toBe(1);

    const after = await fetch(`${server.url}/logout`, { headers: { cookie: sessionCookie } });
    expect(await after.text()).toContain("You&#39;re signed out");
  });
});
