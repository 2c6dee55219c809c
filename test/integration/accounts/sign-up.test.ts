import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountToken, Event, Membership, Organization, Session, User } from "../../../server/db/entities/index.ts";
import { codeFlowRequest, discoverLatch, redeemCallback } from "../../support/code-flow-client.ts";
import { createApp, createUser, PASSWORD, REDIRECT, type TestApp } from "../../support/oauth-fixtures.ts";
import { linkIn, type SmtpCapture, startSmtpCapture } from "../../support/smtp-capture.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, location, UserAgent } from "../../support/user-agent.ts";

let smtp: SmtpCapture;
let server: TestServer;
let as: oauth.AuthorizationServer;
let openApp: TestApp;
let openOrg: string;

const PASSPHRASE = "a long sign-up passphrase";
const strip = (html: string) => html.replace(/nonce="[^"]*"/g, "").replace(/name="csrf_token" value="[^"]*"/g, "");

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({ env: { LATCH_SMTP_URL: smtp.url, LATCH_TRUSTED_PROXY_HOPS: "1" } });
  as = await discoverLatch(server.url);
  ({ organizationId: openOrg } = await createUser(server.orm));
  await setOrg(openOrg, { signUpPolicy: "OPEN" });
  openApp = await createApp(server.orm, openOrg);
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

async function setOrg(id: string, changes: Partial<Pick<Organization, "signUpPolicy" | "requireVerifiedEmail">>) {
  await server.orm.em.fork().nativeUpdate(Organization, { id }, changes);
}

let ipCounter = 1;
/** A browser from its own address (LATCH_TRUSTED_PROXY_HOPS=1), so per-address limits stay out of unrelated tests. */
function browser(ip = `198.51.100.${ipCounter++}`) {
  const agent = new UserAgent(server.url);
  const post = agent.post.bind(agent);
  agent.post = (url, form, headers = {}) => post(url, form, { "x-forwarded-for": ip, ...headers });
  return agent;
}

function authorizeUrl(app: TestApp, scope = "openid email") {
  return codeFlowRequest(as, { clientId: app.clientId, redirectUri: REDIRECT, scope });
}

/** Opens the app's authorization request signed out and follows it to the login page's return_to. */
async function returnToFor(agent: UserAgent, url: string): Promise<string> {
  const response = await agent.get(url);
  expect(response.status).toBe(302);
  return new URL(location(response), server.url).searchParams.get("return_to")!;
}

async function submitSignUp(
  agent: UserAgent,
  returnTo: string,
  fields: { email: string; display_name?: string; password?: string },
): Promise<Response> {
  const page = await agent.get(`/signup?return_to=${encodeURIComponent(returnTo)}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  return agent.post("/signup", {
    csrf_token: hiddenField(html, "csrf_token"),
    return_to: hiddenField(html, "return_to"),
    display_name: "New Person",
    password: PASSPHRASE,
    ...fields,
  });
}

/** Opens a verification link (its confirmation page) and confirms it. */
async function confirmLink(agent: UserAgent, link: string): Promise<Response> {
  const page = await agent.get(link);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("Verify your email address");
  return agent.post("/verify-email", {
    csrf_token: hiddenField(html, "csrf_token"),
    token: hiddenField(html, "token"),
    return_to: hiddenField(html, "return_to"),
  });
}

const freshEmail = (tag: string) => `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

describe("sign-up policy", () => {
  it("offers 'Create account' only while authorizing an app whose organization is OPEN", async () => {
    const { organizationId } = await createUser(server.orm);
    const closedApp = await createApp(server.orm, organizationId);
    const agent = browser();
    const openLogin = await agent.get(
      `/login?return_to=${encodeURIComponent(await returnToFor(agent, (await authorizeUrl(openApp)).url))}`,
    );
    expect(await openLogin.text()).toContain("Create account");
    for (const policy of ["CLOSED", "INVITE_ONLY"] as const) {
      await setOrg(organizationId, { signUpPolicy: policy });
      const returnTo = await returnToFor(agent, (await authorizeUrl(closedApp)).url);
      const login = await agent.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
      expect(await login.text()).not.toContain("Create account");
      const form = await agent.get(`/signup?return_to=${encodeURIComponent(returnTo)}`);
      expect(form.status).toBe(403);
      expect(await form.text()).toContain("Sign-up isn&#39;t available");
      // A POST made anyway (a form kept from when the policy was OPEN) is refused with the same page.
      const csrf = hiddenField(await (await agent.get("/forgot-password")).text(), "csrf_token");
      const email = freshEmail(policy.toLowerCase());
      const post = await agent.post("/signup", {
        csrf_token: csrf,
        return_to: returnTo,
        email,
        display_name: "Nobody",
        password: PASSPHRASE,
      });
      expect(post.status).toBe(403);
      expect(await post.text()).toContain("Sign-up isn");
      expect(await server.orm.em.fork().count(User, { emailNormalized: email })).toBe(0);
    }
    // Without an app the installation decides: LATCH_SIGN_UP is open by default outside production.
    expect(await (await agent.get("/login?return_to=%2Fconsole")).text()).toContain("Create account");
    expect((await agent.get("/signup?return_to=%2Fconsole")).status).toBe(200);
    // An unknown client admits no one, whatever LATCH_SIGN_UP says.
    const unknown = "/oauth2/authorize?client_id=no-such-app&response_type=code";
    expect(await (await agent.get(`/login?return_to=${encodeURIComponent(unknown)}`)).text()).not.toContain(
      "Create account",
    );
    expect((await agent.get(`/signup?return_to=${encodeURIComponent(unknown)}`)).status).toBe(403);
  });

  it("with LATCH_SIGN_UP=closed, no one signs up outside an app's authorization", async () => {
    const closed = await startTestServer({ env: { LATCH_SIGN_UP: "closed" } });
    try {
      const agent = new UserAgent(closed.url);
      expect(await (await agent.get("/login?return_to=%2Fconsole")).text()).not.toContain("Create account");
      const form = await agent.get("/signup?return_to=%2Fconsole");
      expect(form.status).toBe(403);
      expect(await form.text()).toContain("Sign-up isn&#39;t available");
    } finally {
      await closed.stop();
    }
  });

  it("outside an app: the account joins no organization, the link signs in, and the person can create a workspace", async () => {
    const agent = browser();
    const email = freshEmail("newcomer");
    const answer = await submitSignUp(agent, "/console", { email });
    expect(answer.status).toBe(200);
    const message = await smtp.waitFor(email);
    const verified = await confirmLink(agent, linkIn(message, `${server.url}/verify-email?token=`));
    expect(verified.status).toBe(303);
    expect(location(verified)).toBe("/console");
    const user = await server.orm.em.fork().findOneOrFail(User, { emailNormalized: email });
    expect(user.emailVerified).toBe(true);
    expect(await server.orm.em.fork().count(Membership, { user: user.id })).toBe(0);
    const cookie = [...agent.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const created = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url, cookie },
      body: JSON.stringify({
        query: `mutation { createOrganization(name: "Newcomer Co") {
          __typename ... on OrganizationPayload { organization { name } } } }`,
      }),
    });
    expect(await created.json()).toMatchObject({
      data: { createOrganization: { organization: { name: "Newcomer Co" } } },
    });
    const membership = await server.orm.em.fork().findOneOrFail(Membership, { user: user.id });
    expect(membership.role).toBe("owner");
  });
});

describe("sign-up", () => {
  it("creates an unverified account, mails a link that verifies, signs in and continues to a code with email_verified true", async () => {
    const request = await authorizeUrl(openApp);
    const agent = browser();
    const returnTo = await returnToFor(agent, request.url);
    const email = freshEmail("new");
    const since = smtp.messages.length;
    const answer = await submitSignUp(agent, returnTo, { email });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain("Check your email");
    // Not signed in yet: the link does that.
    expect(agent.cookies.has("latch_session")).toBe(false);

    const em = server.orm.em.fork();
    const user = await em.findOneOrFail(User, { emailNormalized: email });
    expect(user).toMatchObject({ emailVerified: false, displayName: "New Person" });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await em.count(Event, { type: "user.created", subjectId: user.id, organizationId: openOrg })).toBe(1);

    const mail = await smtp.waitFor(email, { since });
    expect(mail.subject).toBe("Verify your email address");
    const link = linkIn(mail, `${server.url}/verify-email?token=latch_al_`);
    expect(mail.html).toContain("Verify email address");
    expect(new URL(link).searchParams.get("return_to")).toBe(returnTo);
    const stored = await em.find(AccountToken, { user: user.id, purpose: "verify_email" });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash).not.toBe(new URL(link).searchParams.get("token"));

    const verified = await confirmLink(agent, link);
    expect(verified.status).toBe(303);
    expect(location(verified)).toBe(returnTo);
    const consent = await agent.get(location(verified));
    expect(consent.status).toBe(200);
    const html = await consent.text();
    expect(html).toContain("Authorize");
    const decided = await agent.post("/oauth2/authorize/decision", {
      request_id: hiddenField(html, "request_id"),
      csrf_token: hiddenField(html, "csrf_token"),
      decision: "allow",
    });
    expect(decided.status).toBe(303);
    const tokens = await redeemCallback(as, openApp, new URL(location(decided)), request, REDIRECT, {
      idToken: true,
    });
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims.sub).toBe(user.id);
    const info = await fetch(`${server.url}/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await info.json()).toMatchObject({ sub: user.id, email, email_verified: true });

    const after = server.orm.em.fork();
    expect((await after.findOneOrFail(User, { id: user.id })).emailVerified).toBe(true);
    expect(await after.count(Event, { type: "user.updated", subjectId: user.id })).toBeGreaterThan(0);
    expect(await after.count(Session, { user: user.id, authMethod: "email_link" })).toBe(1);

    // Single use: the same link again is a readable page, and changes nothing.
    const reused = await browser().get(link);
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain("This link was already used");
  });

  it("answers an address that already has an account exactly as a new one, and mails its owner instead", async () => {
    const { user: existing } = await createUser(server.orm);
    const returnTo = await returnToFor(browser(), (await authorizeUrl(openApp)).url);
    const since = smtp.messages.length;
    const known = await submitSignUp(browser(), returnTo, { email: existing.email.toUpperCase() });
    const fresh = freshEmail("fresh");
    const unknown = await submitSignUp(browser(), returnTo, { email: fresh });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const knownHtml = strip(await known.text()).replace(existing.email.toUpperCase(), "ADDRESS");
    expect(strip(await unknown.text()).replace(fresh, "ADDRESS")).toBe(knownHtml);
    expect(known.headers.get("set-cookie") ?? "").not.toContain("latch_session");
    const owner = await smtp.waitFor(existing.email, { since });
    expect(owner.subject).toBe("You already have an account");
    expect(linkIn(owner, `${server.url}/login?return_to=`)).toContain(encodeURIComponent("/oauth2/authorize"));
    const em = server.orm.em.fork();
    expect(await em.count(User, { emailNormalized: existing.email })).toBe(1);
    expect((await em.findOneOrFail(User, { id: existing.id })).displayName).not.toBe("New Person");
    await smtp.waitFor(fresh, { since });
  });

  it("re-renders the form with the field's problem for bad input, creating nothing", async () => {
    const returnTo = await returnToFor(browser(), (await authorizeUrl(openApp)).url);
    const cases = [
      [{ email: "not-an-address" }, "Enter an email address like name@example.com."],
      [{ email: freshEmail("weak"), password: "password" }, "This password is too common"],
      [{ email: freshEmail("short"), password: "short" }, "Use at least 8 characters."],
      [{ email: freshEmail("noname"), display_name: "   " }, "Enter a display name."],
      [{ email: "nul\u0000@example.com" }, "Enter an email address"],
    ] as const;
    for (const [fields, message] of cases) {
      const response = await submitSignUp(browser(), returnTo, fields);
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain(message);
      expect(html).toContain('role="alert"');
    }
    const agent = browser();
    await agent.get(`/signup?return_to=${encodeURIComponent(returnTo)}`);
    const forged = await agent.post("/signup", {
      csrf_token: "forged",
      return_to: returnTo,
      email: freshEmail("csrf"),
      display_name: "X",
      password: PASSPHRASE,
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("This form has expired");
    expect(
      await server.orm.em.fork().count(User, { displayName: "New Person", emailNormalized: { $like: "weak-%" } }),
    ).toBe(0);
  });

  it("limits sign-ups per email address, whether or not it has an account", async () => {
    const returnTo = await returnToFor(browser(), (await authorizeUrl(openApp)).url);
    const email = freshEmail("limited");
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await submitSignUp(browser(), returnTo, { email })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("gives readable pages for an expired or mangled verification link", async () => {
    const returnTo = await returnToFor(browser(), (await authorizeUrl(openApp)).url);
    const email = freshEmail("expiring");
    const since = smtp.messages.length;
    await submitSignUp(browser(), returnTo, { email });
    const link = linkIn(await smtp.waitFor(email, { since }), `${server.url}/verify-email`);
    const user = await server.orm.em.fork().findOneOrFail(User, { emailNormalized: email });
    await server.orm.em
      .fork()
      .nativeUpdate(AccountToken, { user: user.id }, { expiresAt: new Date(Date.now() - 1000) });
    const expired = await browser().get(link);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain("This link has expired");
    const mangled = await browser().get("/verify-email?token=latch_al_nonsense");
    expect(mangled.status).toBe(400);
    expect(await mangled.text()).toContain("This link doesn");
    expect((await server.orm.em.fork().findOneOrFail(User, { id: user.id })).emailVerified).toBe(false);
  });
});

describe("requireVerifiedEmail", () => {
  it("stops an unverified user before consent with a resend that is rate-limited, and lets them on once verified", async () => {
    const { organizationId } = await createUser(server.orm);
    await setOrg(organizationId, { signUpPolicy: "OPEN", requireVerifiedEmail: true });
    const app = await createApp(server.orm, organizationId);
    const request = await authorizeUrl(app);
    const email = freshEmail("gated");
    const signUpAgent = browser();
    const since = smtp.messages.length;
    await submitSignUp(signUpAgent, await returnToFor(signUpAgent, request.url), { email });
    await smtp.waitFor(email, { since });

    // Without opening the link, the person signs in with their password in another browser.
    const agent = browser();
    const returnTo = await returnToFor(agent, request.url);
    const login = await agent.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
    const signedIn = await agent.post("/login", {
      email,
      password: PASSPHRASE,
      csrf_token: hiddenField(await login.text(), "csrf_token"),
      return_to: returnTo,
    });
    expect(signedIn.status).toBe(303);
    const gate = await agent.get(location(signedIn));
    expect(gate.status).toBe(403);
    const gateHtml = await gate.text();
    expect(gateHtml).toContain("Verify your email to continue");
    expect(gateHtml).not.toContain("request_id");

    // prompt=none gets the protocol's answer, not a page.
    const silent = new URL(request.url);
    silent.searchParams.set("prompt", "none");
    const none = await agent.get(silent.toString());
    expect(none.status).toBe(302);
    expect(new URL(location(none)).searchParams.get("error")).toBe("interaction_required");

    const resend = async () =>
      agent.post("/verify-email/resend", {
        csrf_token: hiddenField(gateHtml, "csrf_token"),
        return_to: hiddenField(gateHtml, "return_to"),
      });
    const before = smtp.messages.length;
    const first = await resend();
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("We&#39;ve sent a new link");
    const mail = await smtp.waitFor(email, { since: before });
    const statuses = [(await resend()).status, (await resend()).status, (await resend()).status];
    expect(statuses).toEqual([200, 200, 429]);

    const verified = await confirmLink(agent, linkIn(mail, `${server.url}/verify-email?token=`));
    expect(verified.status).toBe(303);
    // Already signed in as this user: the session is kept, none is added.
    const user = await server.orm.em.fork().findOneOrFail(User, { emailNormalized: email });
    expect(await server.orm.em.fork().count(Session, { user: user.id, authMethod: "email_link" })).toBe(0);
    const consent = await agent.get(location(verified));
    expect(consent.status).toBe(200);
    expect(await consent.text()).toContain("request_id");
    // The resend form refuses a forged token.
    expect((await agent.post("/verify-email/resend", { csrf_token: "x", return_to: returnTo })).status).toBe(403);
  });

  it("lets a verified user of the same organization straight to consent", async () => {
    const { organizationId, user } = await createUser(server.orm);
    await setOrg(organizationId, { requireVerifiedEmail: true });
    const app = await createApp(server.orm, organizationId);
    const agent = browser();
    const returnTo = await returnToFor(agent, (await authorizeUrl(app)).url);
    const login = await agent.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
    const signedIn = await agent.post("/login", {
      email: user.email,
      password: PASSWORD,
      csrf_token: hiddenField(await login.text(), "csrf_token"),
      return_to: returnTo,
    });
    const consent = await agent.get(location(signedIn));
    expect(consent.status).toBe(200);
    expect(await consent.text()).toContain("request_id");
  });
});
