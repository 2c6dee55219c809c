import type { Hono } from "hono";
import { signInWithSecondFactor } from "../../services/mfa/sign-in-with-second-factor.ts";
import { endSession } from "../../services/sessions/end-session.ts";
import {
  createLoginThrottle,
  DEFAULT_LOGIN_THROTTLE,
  type LoginThrottle,
} from "../../services/sessions/login-throttle.ts";
import { resolveSession } from "../../services/sessions/resolve-session.ts";
import { clientIp } from "../client-ip.ts";
import { checkCsrf, readAnonymousCsrfId } from "../csrf.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderSecondFactorEnrolledPage } from "../pages/second-factor-page.ts";
import { renderRecoveryCodes } from "../pages/totp-parts.ts";
import { safeReturnTo } from "../return-to.ts";
import { readSecondFactorState } from "../second-factor-state.ts";
import { sendSecondFactorStep } from "../second-factor-step.ts";
import { readSessionToken, setSessionCookie } from "../session-cookie.ts";

const WRONG_CODE = "That code didn't work. Check your authenticator app and try again.";
const ENROL_WRONG_CODE = "That code didn't work. Make sure the app shows this account and enter its current code.";
const STEP_EXPIRED = "This sign-in step has expired. Please sign in again.";

/**
 * `POST /login/second-factor`: the second sign-in step, for a user whose password was right at `POST /login` and who
 * has an authenticator app (or must add one under their organization's policy). The form carries the signed state
 * of that first step (bound to this browser, valid for minutes), never a session; a right code creates the session
 * and continues to `return_to`. The first factor may also have been an identity provider's account, or a signed-in
 * session whose authorization request asked for multi-factor (`acr_values`): that session is then replaced by the new
 * one, and must still be this browser's. Wrong codes count as login failures of the account (the login throttle's tiers).
 */
export function registerLoginSecondFactorRoutes(
  router: Hono,
  deps: HttpDeps & { readonly throttle?: LoginThrottle },
): void {
  const https = deps.config.secureCookies;
  const throttle = deps.throttle ?? createLoginThrottle(deps.orm.em, DEFAULT_LOGIN_THROTTLE);

  router.get("/login/second-factor", (c) => c.redirect("/login", 302));

  router.post("/login/second-factor", async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const now = new Date();
    const returnTo = safeReturnTo(form.return_to, deps.config.publicUrl);
    const anonymousId = readAnonymousCsrfId(c, https);
    const binding = anonymousId === undefined ? undefined : { anonymousId };
    const state = readSecondFactorState(deps.keyring, form.state, anonymousId, now);
    const csrfOk = checkCsrf(
      c,
      { key: deps.runtime.csrfKey, publicUrl: deps.config.publicUrl, binding },
      form.csrf_token,
    );
    // A step-up continues the session it started from: signed out (or another account) since, it is over.
    const steppedUp = state?.first?.method === "session" ? state.first.sessionId : undefined;
    const current = steppedUp
      ? await resolveSession(deps.orm.em.fork(), readSessionToken(c, https), now, deps.config.sessionPolicy)
      : null;
    if (!state || !csrfOk || (steppedUp && current?.sessionId !== steppedUp)) {
      c.header("Cache-Control", "no-store");
      return c.redirect(`/login?return_to=${encodeURIComponent(returnTo)}&expired=1`, 303);
    }
    const code = typeof form.code === "string" ? form.code.trim().slice(0, 64) : "";
    if (code === "") {
      return sendSecondFactorStep(c, deps, 400, { state, returnTo, error: "Enter the code." }, now);
    }
    const ip = clientIp(c, deps.config.trustedProxyHops);
    const admission = await throttle.admit({ address: ip, account: `second-factor:${state.userId}` }, now);
    if (!admission.allowed) {
      const seconds = admission.retryAfterSeconds;
      c.header("Retry-After", String(seconds));
      const error = `Too many attempts, try again in ${seconds} ${seconds === 1 ? "second" : "seconds"}.`;
      return sendSecondFactorStep(c, deps, 429, { state, returnTo, error }, now);
    }
    const result = await signInWithSecondFactor(
      deps.orm.em.fork(),
      deps.keyring,
      {
        userId: state.userId,
        step: state.step,
        ...(state.first && { first: state.first }),
        code,
        ip,
        userAgent: c.req.header("user-agent") ?? null,
        absoluteTimeoutMs: deps.config.sessionPolicy.absoluteTimeoutMs,
      },
      now,
    );
    if (!result.ok) {
      if (result.reason === "not_enrolling" || result.reason === "no_factor") {
        return sendSecondFactorStep(c, deps, 400, { state, returnTo, error: STEP_EXPIRED }, now);
      }
      const error = state.step === "enrol" ? ENROL_WRONG_CODE : WRONG_CODE;
      return sendSecondFactorStep(c, deps, 401, { state, returnTo, error }, now);
    }
    await admission.succeeded();
    const previous = readSessionToken(c, https);
    if (previous) await endSession(deps.orm.em.fork(), previous, now);
    setSessionCookie(c, result.session.token, result.session.expiresAt, https);
    c.header("Cache-Control", "no-store");
    if (result.recoveryCodes) {
      const codes = renderRecoveryCodes(result.recoveryCodes);
      return sendPage(c, 200, (nonce) => renderSecondFactorEnrolledPage({ codes, returnTo, nonce }));
    }
    return c.redirect(returnTo, 303);
  });
}
