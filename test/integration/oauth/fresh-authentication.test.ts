import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../../../server/db/entities/index.ts";
import {
  type CodeFlowRequest,
  codeFlowRequest,
  discoverLatch,
  redeemCallback,
} from "../../support/code-flow-client.ts";
import { createApp, createUser, REDIRECT, type TestApp, type TestUser } from "../../support/oauth-fixtures.ts";
import { codeFor, codeStep, enrolled, passwordStep } from "../../support/second-factor.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, location, UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let as: oauth.AuthorizationServer;

beforeAll(async () => {
  server = await startTestServer();
  as = await discoverLatch(server.url);
});
afterAll(async () => {
  await server?.stop();
});

const MFA = "urn:latch:acr:mfa";
const SFA = "urn:latch:acr:sfa";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function organizationOf(userId: string): Promise<string> {
  const [row] = await server.orm.em
    .fork()
    .getConnection()
    .execute<{ organization_id: string }[]>("select organization_id from memberships where user_id = ?", [userId]);
  return row!.organization_id;
}

/** An authorization request of `app` with `extra` parameters (prompt, max_age, acr_values). */
async function request(app: TestApp, extra: Record<string, string> = {}): Promise<CodeFlowRequest> {
  const made = await codeFlowRequest(as, { clientId: app.clientId, redirectUri: REDIRECT, scope: "openid" });
  const url = new URL(made.url);
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  return { ...made, url: url.toString() };
}

/** From a response that continues the authorization request (303 to it, or its consent page): the ID token claims. */
async function finish(agent: UserAgent, app: TestApp, made: CodeFlowRequest, response: Response) {
  let answer = response;
  if (answer.status === 303) answer = await agent.get(location(answer));
  if (answer.status === 200) {
    const consent = await answer.text();
    answer = await agent.post("/oauth2/authorize/decision", {
      request_id: hiddenField(consent, "request_id"),
      csrf_token: hiddenField(consent, "csrf_token"),
      decision: "allow",
    });
  }
  const callback = new URL(location(answer));
  expect(callback.origin + callback.pathname).toBe(REDIRECT);
  const tokens = await redeemCallback(as, app, callback, made, REDIRECT, { idToken: true });
  return oauth.getValidatedIdTokenClaims(tokens)!;
}

/** authorize → (login) → consent → claims, for a user without a second factor. */
async function signInAndAuthorize(agent: UserAgent, user: TestUser, app: TestApp, made: CodeFlowRequest) {
  const toLogin = await agent.get(made.url);
  expect(toLogin.status).toBe(302);
  const returnTo = new URL(location(toLogin), server.url).searchParams.get("return_to")!;
  return finish(agent, app, made, await passwordStep(agent, user, returnTo));
}

describe("prompt=login, max_age and acr_values (OIDC Core §3.1.2.1)", () => {
  it("advertises the acr values and puts the single-factor acr and auth_time in a password sign-in's ID token", async () => {
    const discovery = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
    expect(discovery.acr_values_supported).toEqual([SFA, MFA]);
    expect(discovery.claims_supported).toContain("acr");
    const { user, organizationId } = await createUser(server.orm);
    const app = await createApp(server.orm, organizationId);
    const before = Math.floor(Date.now() / 1000);
    const claims = await signInAndAuthorize(new UserAgent(server.url), user, app, await request(app));
    expect(claims.acr).toBe(SFA);
    expect(claims.amr).toEqual(["pwd"]);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before);
  });

  it("prompt=login sends a signed-in person to sign in again, and the ID token's auth_time is the new sign-in", async () => {
    const { user, organizationId } = await createUser(server.orm);
    const app = await createApp(server.orm, organizationId);
    const agent = new UserAgent(server.url);
    const first = await signInAndAuthorize(agent, user, app, await request(app));
    const firstSession = agent.cookies.get("latch_session");
    await sleep(1100);

    // Without prompt, the remembered grant answers from the session at once: same auth_time.
    const again = await request(app);
    const reused = await agent.get(again.url);
    expect(reused.status).toBe(302);
    expect((await finish(agent, app, again, reused)).auth_time).toBe(first.auth_time);

    const made = await request(app, { prompt: "login" });
    const toLogin = await agent.get(made.url);
    expect(toLogin.status).toBe(302);
    const loginUrl = new URL(location(toLogin), server.url);
    expect(loginUrl.pathname).toBe("/login");
    expect(loginUrl.searchParams.get("reauthenticate")).toBe("1");
    const returnTo = loginUrl.searchParams.get("return_to")!;
    expect(new URL(returnTo, server.url).searchParams.get("latch_reauth")).toBeTruthy();
    // Coming back without having signed in again asks again; a forged marker counts for nothing.
    expect(location(await agent.get(returnTo))).toMatch(/^\/login\?/);
    const forged = new URL(made.url);
    forged.searchParams.set("latch_reauth", "eyJ0IjoxfQ.forged");
    expect(location(await agent.get(forged.toString()))).toMatch(/^\/login\?/);

    const claims = await finish(agent, app, made, await passwordStep(agent, user, returnTo));
    expect(claims.auth_time).toBeGreaterThan(first.auth_time as number);
    expect(agent.cookies.get("latch_session")).not.toBe(firstSession);
    expect(await server.orm.em.fork().count(Session, { user: user.id })).toBe(1);
  });

  it("prompt=login and max_age=0 from a browser without a session: one sign-in, no loop", async () => {
    const { user, organizationId } = await createUser(server.orm);
    const app = await createApp(server.orm, organizationId);
    const cases: Record<string, string>[] = [{ prompt: "login" }, { max_age: "0" }];
    for (const extra of cases) {
      const agent = new UserAgent(server.url);
      const made = await request(app, extra);
      const claims = await signInAndAuthorize(agent, user, app, made);
      expect(claims.sub).toBe(user.id);
    }
  });

  it("max_age re-authenticates only once auth_time is older, max_age=0 always; prompt=none answers login_required", async () => {
    const { user, organizationId } = await createUser(server.orm);
    const app = await createApp(server.orm, organizationId);
    const agent = new UserAgent(server.url);
    const first = await signInAndAuthorize(agent, user, app, await request(app));
    await sleep(1100);

    const recent = await request(app, { max_age: "3600" });
    const answered = await agent.get(recent.url);
    expect(answered.status).toBe(302);
    expect((await finish(agent, app, recent, answered)).auth_time).toBe(first.auth_time);

    const silent = await request(app, { max_age: "0", prompt: "none" });
    const refused = new URL(location(await agent.get(silent.url)));
    expect(refused.origin + refused.pathname).toBe(REDIRECT);
    expect(refused.searchParams.get("error")).toBe("login_required");
    expect(refused.searchParams.get("state")).toBe(silent.state);

    const made = await request(app, { max_age: "0" });
    const toLogin = await agent.get(made.url);
    expect(location(toLogin)).toMatch(/^\/login\?/);
    const returnTo = new URL(location(toLogin), server.url).searchParams.get("return_to")!;
    const claims = await finish(agent, app, made, await passwordStep(agent, user, returnTo));
    expect(claims.auth_time).toBeGreaterThan(first.auth_time as number);

    const malformed = await request(app, { max_age: "soon" });
    const error = new URL(location(await agent.get(malformed.url)));
    expect(error.searchParams.get("error")).toBe("invalid_request");
    expect(error.searchParams.get("error_description")).toContain("max_age");
  });

  it("acr_values asking for MFA steps a password session up with a code, then issues acr mfa", async () => {
    const { user, agent, secret } = await enrolled(server);
    const app = await createApp(server.orm, await organizationOf(user.id));
    // The enrolment session signed in with the password alone.
    const silent = await request(app, { acr_values: MFA, prompt: "none" });
    const refused = new URL(location(await agent.get(silent.url)));
    expect(refused.searchParams.get("error")).toBe("interaction_required");

    const made = await request(app, { acr_values: MFA });
    const step = await agent.get(made.url);
    expect(step.status).toBe(200);
    const html = await step.text();
    expect(html).toContain("Enter the 6-digit code from your authenticator app");
    const before = agent.cookies.get("latch_session");
    const wrong = await codeStep(agent, html, String((Number(codeFor(secret, 1)) + 1) % 1_000_000).padStart(6, "0"));
    expect(wrong.status).toBe(401);
    const done = await codeStep(agent, await wrong.text(), codeFor(secret, 1));
    expect(done.status).toBe(303);
    expect(agent.cookies.get("latch_session")).not.toBe(before);
    const claims = await finish(agent, app, made, done);
    expect(claims.acr).toBe(MFA);
    expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);
    const sessions = await server.orm.em.fork().find(Session, { user: user.id });
    expect(sessions.map((s) => [s.authMethod, s.secondFactor])).toEqual([["password", "totp"]]);

    // A list that also accepts single-factor needs no step: the MFA session answers at once.
    const lenient = await request(app, { acr_values: `${MFA} ${SFA}` });
    const answered = await agent.get(lenient.url);
    expect(answered.status).toBe(302);
    expect((await finish(agent, app, lenient, answered)).acr).toBe(MFA);
  });

  it("acr_values asking for MFA from a user without a second factor has them set one up, then continues", async () => {
    const { user, organizationId } = await createUser(server.orm);
    const app = await createApp(server.orm, organizationId);
    const agent = new UserAgent(server.url);
    const single = await signInAndAuthorize(agent, user, app, await request(app));
    expect(single.acr).toBe(SFA);

    const made = await request(app, { acr_values: MFA });
    const step = await agent.get(made.url);
    expect(step.status).toBe(200);
    const html = await step.text();
    expect(html).toContain("Set up two-step verification");
    const secret = html.match(/data-testid="totp-secret">([A-Z2-7 ]+)</)![1]!.replace(/ /g, "");
    const done = await codeStep(agent, html, codeFor(secret));
    expect(done.status).toBe(200);
    const page = await done.text();
    expect(page.match(/<li><code>[0-9a-z]{5}-[0-9a-z]{5}<\/code><\/li>/g)).toHaveLength(10);
    const continueHref = page.match(/href="(\/oauth2\/authorize\?[^"]+)"/)![1]!.replace(/&amp;/g, "&");
    const claims = await finish(agent, app, made, await agent.get(continueHref));
    expect(claims.acr).toBe(MFA);
    expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);
  });

  it("refuses a step-up state once its session was signed out", async () => {
    const { user, agent } = await enrolled(server);
    const app = await createApp(server.orm, await organizationOf(user.id));
    const made = await request(app, { acr_values: MFA });
    const html = await (await agent.get(made.url)).text();
    const other = new UserAgent(server.url);
    for (const [name, value] of agent.cookies) if (name !== "latch_session") other.cookies.set(name, value);
    const refused = await codeStep(other, html, "000000");
    expect(refused.status).toBe(303);
    expect(location(refused)).toContain("expired=1");
    expect(await server.orm.em.fork().count(Session, { user: user.id, secondFactor: "totp" })).toBe(0);
  });
});
