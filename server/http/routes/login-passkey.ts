import type { Context, Hono } from "hono";
import { parseAuthenticationResponse } from "../../services/passkeys/parse-webauthn-response.ts";
import { relyingPartyFor } from "../../services/passkeys/relying-party.ts";
import { signInWithPasskey } from "../../services/passkeys/sign-in-with-passkey.ts";
import { verifyPasskey } from "../../services/passkeys/verify-passkey.ts";
import type { CreatedSession } from "../../services/sessions/create-session.ts";
import { endSession } from "../../services/sessions/end-session.ts";
import {
  createLoginThrottle,
  DEFAULT_LOGIN_THROTTLE,
  type LoginThrottle,
} from "../../services/sessions/login-throttle.ts";
import { clientIp } from "../client-ip.ts";
import { checkCsrf, readAnonymousCsrfId } from "../csrf.ts";
import type { HttpDeps } from "../deps.ts";
import { safeReturnTo } from "../return-to.ts";
import { readSecondFactorState } from "../second-factor-state.ts";
import { sendSecondFactorStep } from "../second-factor-step.ts";
import { readSessionToken, setSessionCookie } from "../session-cookie.ts";

const PASSKEY_FAILED = "That passkey didn't work. Try again, or use your authenticator app.";

/**
 * Passkey sign-ins: `POST /login/passkey` (a discoverable passkey alone, from the login page's button or autofill)
 * and `POST /login/second-factor/passkey` (a passkey as the second step after the password). Each form carries the
 * browser's WebAuthn response; its challenge was signed for this browser (and user) and is accepted once. Failures
 * count against the login throttle like wrong passwords and codes.
 */
export function registerLoginPasskeyRoutes(router: Hono, deps: HttpDeps & { readonly throttle?: LoginThrottle }): void {
  const https = deps.config.secureCookies;
  const throttle = deps.throttle ?? createLoginThrottle(deps.orm.em, DEFAULT_LOGIN_THROTTLE);
  const rp = relyingPartyFor(deps.config.publicUrl);

  function signedIn(c: Context, session: CreatedSession, returnTo: string, now: Date): Promise<Response> {
    const previous = readSessionToken(c, https);
    return (previous ? endSession(deps.orm.em.fork(), previous, now) : Promise.resolve()).then(() => {
      setSessionCookie(c, session.token, session.expiresAt, https);
      c.header("Cache-Control", "no-store");
      return c.redirect(returnTo, 303);
    });
  }

  router.post("/login/passkey", async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const now = new Date();
    const returnTo = safeReturnTo(form.return_to, deps.config.publicUrl);
    const back = (reason: string) => {
      c.header("Cache-Control", "no-store");
      return c.redirect(`/login?return_to=${encodeURIComponent(returnTo)}&${reason}`, 303);
    };
    const anonymousId = readAnonymousCsrfId(c, https);
    const binding = anonymousId === undefined ? undefined : { anonymousId };
    const csrf = { key: deps.runtime.csrfKey, publicUrl: deps.config.publicUrl, binding };
    if (anonymousId === undefined || !checkCsrf(c, csrf, form.csrf_token)) return back("expired=1");
    const response = parseAuthenticationResponse(form.response);
    if (!response) return back("passkey=failed");
    const ip = clientIp(c, deps.config.trustedProxyHops);
    const admission = await throttle.admit({ address: ip, account: `passkey:${response.id.slice(0, 256)}` }, now);
    if (!admission.allowed) {
      c.header("Retry-After", String(admission.retryAfterSeconds));
      return back("passkey=failed");
    }
    const scope = { purpose: "sign-in", anonymousId } as const;
    const verified = await verifyPasskey(deps.orm.em.fork(), deps.keyring, rp, { response, scope }, now);
    if (!verified.ok) return back("passkey=failed");
    await admission.succeeded();
    const session = await signInWithPasskey(
      deps.orm.em,
      {
        passkey: verified,
        asSecondFactor: false,
        ip,
        userAgent: c.req.header("user-agent") ?? null,
        absoluteTimeoutMs: deps.config.sessionPolicy.absoluteTimeoutMs,
      },
      now,
    );
    return signedIn(c, session, returnTo, now);
  });

  router.post("/login/second-factor/passkey", async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const now = new Date();
    const returnTo = safeReturnTo(form.return_to, deps.config.publicUrl);
    const anonymousId = readAnonymousCsrfId(c, https);
    const binding = anonymousId === undefined ? undefined : { anonymousId };
    const state = readSecondFactorState(deps.keyring, form.state, anonymousId, now);
    const csrf = { key: deps.runtime.csrfKey, publicUrl: deps.config.publicUrl, binding };
    if (state?.step !== "verify" || !checkCsrf(c, csrf, form.csrf_token)) {
      c.header("Cache-Control", "no-store");
      return c.redirect(`/login?return_to=${encodeURIComponent(returnTo)}&expired=1`, 303);
    }
    const response = parseAuthenticationResponse(form.response);
    if (!response) return sendSecondFactorStep(c, deps, 400, { state, returnTo, error: PASSKEY_FAILED }, now);
    const ip = clientIp(c, deps.config.trustedProxyHops);
    const admission = await throttle.admit({ address: ip, account: `second-factor:${state.userId}` }, now);
    if (!admission.allowed) {
      const seconds = admission.retryAfterSeconds;
      c.header("Retry-After", String(seconds));
      const error = `Too many attempts, try again in ${seconds} ${seconds === 1 ? "second" : "seconds"}.`;
      return sendSecondFactorStep(c, deps, 429, { state, returnTo, error }, now);
    }
    const scope = { purpose: "second-factor", anonymousId: state.anonymousId, userId: state.userId } as const;
    const verified = await verifyPasskey(deps.orm.em.fork(), deps.keyring, rp, { response, scope }, now);
    if (!verified.ok) return sendSecondFactorStep(c, deps, 401, { state, returnTo, error: PASSKEY_FAILED }, now);
    await admission.succeeded();
    const session = await signInWithPasskey(
      deps.orm.em,
      {
        passkey: verified,
        asSecondFactor: true,
        ip,
        userAgent: c.req.header("user-agent") ?? null,
        absoluteTimeoutMs: deps.config.sessionPolicy.absoluteTimeoutMs,
      },
      now,
    );
    return signedIn(c, session, returnTo, now);
  });
}
