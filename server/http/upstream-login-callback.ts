import type { Context } from "hono";
import { completeUpstreamLogin } from "../services/users/complete-upstream-login.ts";
import { clientIp } from "./client-ip.ts";
import { ensureAnonymousCsrfId } from "./csrf.ts";
import type { HttpDeps } from "./deps.ts";
import { sendSecondFactorStep } from "./second-factor-step.ts";
import { readSessionToken, setSessionCookie } from "./session-cookie.ts";
import type { UpstreamCallback } from "./upstream-callback.ts";
import { upstreamLoginFailurePage, upstreamLoginRefusalPage } from "./upstream-login-pages.ts";

/**
 * The answer to a sign-in flow's callback: the session cookie and a 303 back to the authorization request (its consent
 * page), the second sign-in step for an account with a second factor, or the readable page of what went wrong.
 */
export async function answerUpstreamLogin(c: Context, deps: HttpDeps, callback: UpstreamCallback): Promise<Response> {
  const https = deps.config.secureCookies;
  const result = await completeUpstreamLogin(
    deps.orm.em.fork(),
    {
      keyring: deps.keyring,
      publicUrl: deps.config.publicUrl,
      production: deps.config.production,
      trustCustomProviderEmails: deps.config.trustCustomProviderEmails,
      network: { allowPrivate: deps.config.allowPrivateWebhooks },
    },
    {
      flow: callback.flow,
      callbackUrl: callback.url,
      postedName: callback.postedName,
      ip: clientIp(c, deps.config.trustedProxyHops),
      userAgent: c.req.header("user-agent") ?? null,
      previousSessionToken: readSessionToken(c, https),
      absoluteTimeoutMs: deps.config.sessionPolicy.absoluteTimeoutMs,
    },
    callback.now,
  );
  if (result.ok === "second_factor") {
    // As after a right password (routes/login.ts): the second step, bound to this browser, before any session.
    const { ref } = result.provider;
    const state = {
      userId: result.userId,
      step: result.step,
      first: {
        method: "upstream" as const,
        kind: ref.kind,
        identityProviderId: ref.id,
        organizationId: ref.organizationId,
        applicationId: ref.applicationId,
      },
      anonymousId: ensureAnonymousCsrfId(c, https),
    };
    const input = { state, returnTo: result.returnTo, startEnrolment: result.step === "enrol" };
    return sendSecondFactorStep(c, deps, 200, input, callback.now);
  }
  if (!result.ok) {
    return result.reason === "upstream"
      ? upstreamLoginFailurePage(c, deps, result.provider, result.error)
      : upstreamLoginRefusalPage(c, deps, result.provider, result.refusal);
  }
  deps.logger.info(
    {
      identityProviderId: result.provider.ref.id,
      kind: result.provider.ref.kind,
      userId: result.userId,
      outcome: result.outcome,
    },
    "upstream sign-in",
  );
  setSessionCookie(c, result.token, result.expiresAt, https);
  c.header("Cache-Control", "no-store");
  return c.redirect(result.returnTo, 303);
}
