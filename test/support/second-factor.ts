/**
 * The person's side of two-step verification over HTTP: sign-in steps, account forms, and the codes an authenticator
 * app holding the enrolled secret would show (computed with otpauth, as an app does).
 */
import * as OTPAuth from "otpauth";
import { expect } from "vitest";
import { createUser, type TestUser } from "./oauth-fixtures.ts";
import type { TestServer } from "./test-server.ts";
import { hiddenField, UserAgent } from "./user-agent.ts";

/** The code an authenticator app holding `secret` shows `offsetSteps` time steps from now. */
export function codeFor(secret: string, offsetSteps = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/** GETs `page` and posts `action` with the page's CSRF token. */
export async function submit(agent: UserAgent, page: string, action: string, fields: Record<string, string> = {}) {
  const html = await (await agent.get(page)).text();
  return agent.post(action, { csrf_token: hiddenField(html, "csrf_token"), ...fields });
}

/** The password step of a sign-in: the login form posted with the right password. */
export async function passwordStep(
  agent: UserAgent,
  user: TestUser,
  returnTo = "/account/security",
): Promise<Response> {
  const login = await agent.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
  return agent.post("/login", {
    email: user.email,
    password: user.password,
    csrf_token: hiddenField(await login.text(), "csrf_token"),
    return_to: returnTo,
  });
}

/** Posts a code on the second-step page `html`. */
export function codeStep(agent: UserAgent, html: string, code: string): Promise<Response> {
  return agent.post("/login/second-factor", {
    csrf_token: hiddenField(html, "csrf_token"),
    state: hiddenField(html, "state"),
    return_to: hiddenField(html, "return_to"),
    code,
  });
}

/** Signs in with the password (no second factor yet) and turns the authenticator app on at /account/security. */
export async function enrolled(server: TestServer): Promise<{
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
