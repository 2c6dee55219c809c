import * as oauth from "oauth4webapi";
import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event, Membership, RecoveryCode, Session, TotpFactor } from "../../../server/db/entities/index.ts";
import { codeFlowRequest, discoverLatch, redeemCallback } from "../../support/code-flow-client.ts";
import { apiKeyFor, controlPlane, globalId } from "../../support/control-plane.ts";
import { token } from "../../support/oauth-client.ts";
import { createApp, createUser, PASSWORD, REDIRECT, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, location, UserAgent } from "../../support/user-agent.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

/** The code an authenticator app holding `secret` shows `offsetSteps` time steps from now. */
function codeFor(secret: string, offsetSteps = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/** GETs `page` and posts `action` with the page's CSRF token. */
async function submit(agent: UserAgent, page: string, action: string, fields: Record<string, string> = {}) {
  const html = await (await agent.get(page)).text();
  return agent.post(action, { csrf_token: hiddenField(html, "csrf_token"), ...fields });
}

/** The password step of a sign-in: the login form posted with the right password. */
async function passwordStep(agent: UserAgent, user: TestUser, returnTo = "/account/security"): Promise<Response> {
  const login = await agent.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
  return agent.post("/login", {
    email: user.email,
    password: user.password,
    csrf_token: hiddenField(await login.text(), "csrf_token"),
    return_to: returnTo,
  });
}

/** Posts a code on the second-step page `html`. */
function codeStep(agent: UserAgent, html: string, code: string): Promise<Response> {
  return agent.post("/login/second-factor", {
    csrf_token: hiddenField(html, "csrf_token"),
    state: hiddenField(html, "state"),
    return_to: hiddenField(html, "return_to"),
    code,
  });
}

/** Signs in with the password (no second factor yet) and turns the authenticator app on at /account/security. */
async function enrolled(): Promise<{
  user: TestUser;
  agent: UserAgent;
  secret: string;
  enrolCode: string;
  recoveryCodes: string[];
}> {
  const { user } = await createUser(server.orm);
  const agent = new UserAgent(server.url);
  expect((await passwordStep(agent, user)).status).toBe(303);
  const started = await submit(agent, "/account/security", "/account/security/totp");
  expect(started.status).toBe(200);
  const html = await started.text();
  expect(html).toContain("<svg");
  const secret = html.match(/data-testid="totp-secret">([A-Z2-7 ]+)</)![1]!.replace(/ /g, "");
  const enrolCode = codeFor(secret);
  const confirmed = await agent.post("/account/security/totp/confirm", {
    csrf_token: hiddenField(html, "csrf_token"),
    code: enrolCode,
  });
  expect(confirmed.status).toBe(200);
  const page = await confirmed.text();
  expect(page).toContain("Two-step verification is on");
  const recoveryCodes = [...page.matchAll(/<li><code>([0-9a-z]{5}-[0-9a-z]{5})<\/code><\/li>/g)].map((m) => m[1]!);
  return { user, agent, secret, enrolCode, recoveryCodes };
}

describe("TOTP second factor", () => {
  it("enrols from the account page: QR code and key, a wrong first code refused, 10 recovery codes shown once", async () => {
    const { user } = await createUser(server.orm);
    const agent = new UserAgent(server.url);
    await passwordStep(agent, user);
    const off = await (await agent.get("/account/security")).text();
    expect(off).toContain('href="/account/security" aria-current="page"');
    expect(off).toContain("Set up authenticator app");
    const forged = await agent.post("/account/security/totp", { csrf_token: "forged" });
    expect(forged.status).toBe(403);

    const started = await submit(agent, "/account/security", "/account/security/totp");
    const html = await started.text();
    const secret = html.match(/data-testid="totp-secret">([A-Z2-7 ]+)</)![1]!.replace(/ /g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(html).toMatch(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const em = server.orm.em.fork();
    const factor = await em.findOneOrFail(TotpFactor, { user: user.id });
    expect(factor.confirmedAt).toBeNull();
    expect(factor.secretEncrypted).toMatch(/^v1\./);
    expect(factor.secretEncrypted).not.toContain(secret);

    const wrong = await agent.post("/account/security/totp/confirm", {
      csrf_token: hiddenField(html, "csrf_token"),
      code: codeFor(secret, 5),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("That code didn&#39;t work");

    const confirmed = await agent.post("/account/security/totp/confirm", {
      csrf_token: hiddenField(html, "csrf_token"),
      code: codeFor(secret),
    });
    expect(confirmed.status).toBe(200);
    const page = await confirmed.text();
    const codes = [...page.matchAll(/<li><code>([0-9a-z]{5}-[0-9a-z]{5})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(new Set(codes).size).toBe(10);
    const stored = await server.orm.em.fork().find(RecoveryCode, { user: user.id });
    expect(stored).toHaveLength(10);
    for (const row of stored) expect(codes).not.toContain(row.codeHash);
    // Shown once: the page afterwards only counts them.
    const later = await (await agent.get("/account/security")).text();
    expect(later).toContain("10 recovery codes left.");
    for (const code of codes) expect(later).not.toContain(code);
    expect(await server.orm.em.fork().count(Event, { type: "user.mfa_enrolled", subjectId: user.id })).toBe(1);
  });

  it("asks for a code after the password, creates no session before it, and refuses a replayed code", async () => {
    const { user, secret, enrolCode } = await enrolled();
    const agent = new UserAgent(server.url);
    const sessionsBefore = await server.orm.em.fork().count(Session, { user: user.id });
    const step = await passwordStep(agent, user, "/account/sessions");
    expect(step.status).toBe(200);
    const html = await step.text();
    expect(html).toContain("Two-step verification");
    expect(html).toMatch(/autocomplete="one-time-code"/);
    expect(agent.cookies.has("latch_session")).toBe(false);
    expect(await server.orm.em.fork().count(Session, { user: user.id })).toBe(sessionsBefore);
    expect((await agent.get("/account/sessions")).status).toBe(302);

    // The code the app showed at enrolment was spent there: the same step again is a replay.
    const replayedEnrolCode = await codeStep(agent, html, enrolCode);
    expect(replayedEnrolCode.status).toBe(401);
    const next = codeFor(secret, 1);
    const signedIn = await codeStep(agent, await replayedEnrolCode.text(), next);
    expect(signedIn.status).toBe(303);
    expect(location(signedIn)).toBe("/account/sessions");
    expect((await agent.get("/account/sessions")).status).toBe(200);
    const session = await server.orm.em.fork().findOneOrFail(Session, { user: user.id, secondFactor: "totp" });
    expect(session.authMethod).toBe("password");

    // Another browser that learned the password and watched that code cannot use it again within its window.
    const thief = new UserAgent(server.url);
    const thiefStep = await (await passwordStep(thief, user)).text();
    const replay = await codeStep(thief, thiefStep, next);
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain("That code didn&#39;t work");
    const failures = await server.orm.em.fork().find(Event, { type: "user.mfa_failed", subjectId: user.id });
    expect(failures.map((event) => event.payload.reason)).toEqual(["replayed_code", "replayed_code"]);
    expect(JSON.stringify(failures.map((event) => event.payload))).not.toContain(next);
  });

  it("refuses a forged, foreign or tampered second-step state", async () => {
    const { user, secret } = await enrolled();
    const agent = new UserAgent(server.url);
    const html = await (await passwordStep(agent, user)).text();
    const state = hiddenField(html, "state");
    const [body, mac] = state.split(".");
    const forgedBody = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, "base64url").toString()), sub: crypto.randomUUID() }),
    ).toString("base64url");
    const forged = await agent.post("/login/second-factor", {
      csrf_token: hiddenField(html, "csrf_token"),
      state: `${forgedBody}.${mac}`,
      return_to: "/account/security",
      code: codeFor(secret, 1),
    });
    expect(forged.status).toBe(303);
    expect(location(forged)).toContain("/login?return_to=");
    // The state is bound to the browser that typed the password.
    const other = new UserAgent(server.url);
    await other.get("/login");
    const foreign = await other.post("/login/second-factor", {
      csrf_token: hiddenField(html, "csrf_token"),
      state,
      return_to: "/account/security",
      code: codeFor(secret, 1),
    });
    expect(foreign.status).toBe(303);
    expect(other.cookies.has("latch_session")).toBe(false);
    expect((await other.get(location(foreign))).status).toBe(200);
  });

  it("signs in with a recovery code once; the same recovery code again is refused", async () => {
    const { user, recoveryCodes } = await enrolled();
    const code = recoveryCodes[3]!;
    const agent = new UserAgent(server.url);
    const html = await (await passwordStep(agent, user)).text();
    const signedIn = await codeStep(agent, html, code.toUpperCase());
    expect(signedIn.status).toBe(303);
    const em = server.orm.em.fork();
    expect(await em.count(Session, { user: user.id, secondFactor: "recovery_code" })).toBe(1);
    expect(await em.count(RecoveryCode, { user: user.id, usedAt: null })).toBe(9);
    expect(await (await agent.get("/account/security")).text()).toContain("9 recovery codes left.");

    const again = new UserAgent(server.url);
    const againHtml = await (await passwordStep(again, user)).text();
    const reused = await codeStep(again, againHtml, code);
    expect(reused.status).toBe(401);
    expect(again.cookies.has("latch_session")).toBe(false);
  });

  it("throttles wrong codes like password failures: the sixth try in a minute is refused, a right code too", async () => {
    const { user, secret } = await enrolled();
    const agent = new UserAgent(server.url);
    let html = await (await passwordStep(agent, user)).text();
    for (let i = 0; i < 5; i++) {
      const wrong = await codeStep(
        agent,
        html,
        String((Number(codeFor(secret, 1)) + 1 + i) % 1_000_000).padStart(6, "0"),
      );
      expect(wrong.status).toBe(401);
      html = await wrong.text();
    }
    const limited = await codeStep(agent, html, codeFor(secret, 1));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.text()).toContain("Too many attempts");
    expect(agent.cookies.has("latch_session")).toBe(false);
    expect(await server.orm.em.fork().count(Event, { type: "user.mfa_failed", subjectId: user.id })).toBe(5);
  });

  it("removes the app after the password: a wrong password is refused, then sign-in needs no code", async () => {
    const { user, agent } = await enrolled();
    const wrong = await submit(agent, "/account/security", "/account/security/totp/remove", {
      current_password: "not my password",
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Your current password is not correct.");
    expect(await server.orm.em.fork().count(TotpFactor, { user: user.id })).toBe(1);
    const removed = await submit(agent, "/account/security", "/account/security/totp/remove", {
      current_password: PASSWORD,
    });
    expect(removed.status).toBe(200);
    expect(await removed.text()).toContain("Your authenticator app was removed.");
    const em = server.orm.em.fork();
    expect(await em.count(TotpFactor, { user: user.id })).toBe(0);
    expect(await em.count(RecoveryCode, { user: user.id })).toBe(0);
    expect(await em.count(Event, { type: "user.mfa_removed", subjectId: user.id })).toBe(1);
    expect((await passwordStep(new UserAgent(server.url), user)).status).toBe(303);
  });

  it("puts amr in the ID token: pwd for a password alone, pwd otp mfa after a code", async () => {
    const as = await discoverLatch(server.url);
    async function idTokenAmr(user: TestUser, organizationId: string, secret?: string): Promise<unknown> {
      const app = await createApp(server.orm, organizationId);
      const request = await codeFlowRequest(as, { clientId: app.clientId, redirectUri: REDIRECT, scope: "openid" });
      const agent = new UserAgent(server.url);
      const toLogin = await agent.get(request.url);
      const returnTo = new URL(location(toLogin), server.url).searchParams.get("return_to")!;
      let signedIn = await passwordStep(agent, user, returnTo);
      if (secret) signedIn = await codeStep(agent, await signedIn.text(), codeFor(secret, 1));
      expect(signedIn.status).toBe(303);
      const consent = await (await agent.get(location(signedIn))).text();
      const decided = await agent.post("/oauth2/authorize/decision", {
        request_id: hiddenField(consent, "request_id"),
        csrf_token: hiddenField(consent, "csrf_token"),
        decision: "allow",
      });
      const tokens = await redeemCallback(as, app, new URL(location(decided)), request, REDIRECT, { idToken: true });
      return oauth.getValidatedIdTokenClaims(tokens)!.amr;
    }
    const plain = await createUser(server.orm);
    expect(await idTokenAmr(plain.user, plain.organizationId)).toEqual(["pwd"]);
    const { user, secret } = await enrolled();
    const [membership] = await server.orm.em
      .fork()
      .getConnection()
      .execute<{ organization_id: string }[]>("select organization_id from memberships where user_id = ?", [user.id]);
    expect(await idTokenAmr(user, membership!.organization_id, secret)).toEqual(["pwd", "otp", "mfa"]);
  });

  it("enforces an organization's require-MFA-for-admins policy at the next sign-in, and refuses removing the app", async () => {
    const { user: owner, organizationId } = await createUser(server.orm);
    const { user: member } = await createUser(server.orm);
    const em = server.orm.em.fork();
    em.create(Membership, { user: member.id, organization: organizationId, role: "member", createdAt: new Date() });
    await em.flush();
    const updated = await controlPlane(server, await apiKeyFor(server, organizationId)).request<{
      updateOrganization: { organization: { requireMfaForAdmins: boolean } };
    }>(
      `mutation ($id: ID!) { updateOrganization(id: $id, requireMfaForAdmins: true) {
        ... on OrganizationPayload { organization { requireMfaForAdmins } } } }`,
      { id: globalId("Organization", organizationId) },
    );
    expect(updated.updateOrganization.organization.requireMfaForAdmins).toBe(true);

    // A member is not concerned.
    expect((await passwordStep(new UserAgent(server.url), member)).status).toBe(303);

    const agent = new UserAgent(server.url);
    const step = await passwordStep(agent, owner, "/account/sessions");
    expect(step.status).toBe(200);
    const html = await step.text();
    expect(html).toContain("Set up two-step verification");
    expect(html).toContain("<svg");
    expect(agent.cookies.has("latch_session")).toBe(false);
    const secret = html.match(/data-testid="totp-secret">([A-Z2-7 ]+)</)![1]!.replace(/ /g, "");
    const wrong = await codeStep(agent, html, String((Number(codeFor(secret)) + 1) % 1_000_000).padStart(6, "0"));
    expect(wrong.status).toBe(401);
    const wrongHtml = await wrong.text();
    // The same secret is shown again, not a new one.
    expect(wrongHtml).toContain(secret.match(/.{1,4}/g)!.join(" "));
    const done = await codeStep(agent, wrongHtml, codeFor(secret));
    expect(done.status).toBe(200);
    const page = await done.text();
    expect(page.match(/<li><code>[0-9a-z]{5}-[0-9a-z]{5}<\/code><\/li>/g)).toHaveLength(10);
    expect(page).toContain('href="/account/sessions"');
    expect((await agent.get("/account/sessions")).status).toBe(200);
    const after = server.orm.em.fork();
    expect(await after.count(Session, { user: owner.id, secondFactor: "totp" })).toBe(1);
    expect(await after.count(Event, { type: "user.mfa_enrolled", subjectId: owner.id })).toBe(1);

    const refused = await submit(agent, "/account/security", "/account/security/totp/remove", {
      current_password: PASSWORD,
    });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("An organization you administer requires a second factor");
    expect(await server.orm.em.fork().count(TotpFactor, { user: owner.id, confirmedAt: { $ne: null } })).toBe(1);

    // The next sign-in asks for a code of the app, like any enrolled user's.
    const next = await (await passwordStep(new UserAgent(server.url), owner)).text();
    expect(next).toContain("Enter the 6-digit code from your authenticator app");
  });

  it("refuses the password grant for an account with a second factor", async () => {
    const { user } = await enrolled();
    const [membership] = await server.orm.em
      .fork()
      .getConnection()
      .execute<{ organization_id: string }[]>("select organization_id from memberships where user_id = ?", [user.id]);
    const app = await createApp(server.orm, membership!.organization_id, {
      grantTypes: ["authorization_code", "refresh_token", "password"],
      allowPasswordGrant: true,
    });
    const response = await token(server, app, {
      grant_type: "password",
      username: user.email,
      password: PASSWORD,
      scope: "openid",
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: "invalid_grant",
      error_description: expect.stringContaining("second factor"),
    });
  });
});
