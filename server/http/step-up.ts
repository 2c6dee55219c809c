import type { Context } from "hono";
import { hasConfirmedTotp } from "../services/mfa/totp-status.ts";
import type { ResolvedSession } from "../services/sessions/resolve-session.ts";
import { ensureAnonymousCsrfId } from "./csrf.ts";
import type { HttpDeps } from "./deps.ts";
import { sendSecondFactorStep } from "./second-factor-step.ts";

/**
 * The second sign-in step for a single-factor session whose authorization request asked for multi-factor
 * (`acr_values`): the code of the user's authenticator app, or, for a user without one, setting one up first (Latch
 * offers enrolment rather than answering `unmet_authentication_requirements`: the person is signed in and can add
 * the factor the app asks for). The step's POST replaces the session with one that records both factors and comes
 * back to `returnTo`, the authorization request.
 */
export async function sendStepUp(
  c: Context,
  deps: HttpDeps,
  session: ResolvedSession,
  returnTo: string,
  now: Date,
): Promise<Response> {
  const enrolled = await hasConfirmedTotp(deps.orm.em.fork(), session.user.id);
  const state = {
    userId: session.user.id,
    step: enrolled ? ("verify" as const) : ("enrol" as const),
    first: { method: "session" as const, authMethod: session.authMethod, sessionId: session.sessionId },
    anonymousId: ensureAnonymousCsrfId(c, deps.config.secureCookies),
  };
  return sendSecondFactorStep(c, deps, 200, { state, returnTo, startEnrolment: !enrolled }, now);
}
