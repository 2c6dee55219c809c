import type { Context, Hono } from "hono";
import { createRateLimiter, type RateLimiter } from "../../db/rate-limit.ts";
import { loadSignInContext } from "../../services/oauth/load-sign-in-context.ts";
import { endSession } from "../../services/sessions/end-session.ts";
import { resolveSession } from "../../services/sessions/resolve-session.ts";
import { type AccountLinkProblem, findAccountLink } from "../../services/users/account-links.ts";
import { resendVerificationEmail } from "../../services/users/resend-verification-email.ts";
import { VERIFY_EMAIL_PATH } from "../../services/users/send-verification-email.ts";
import { verifyEmail } from "../../services/users/verify-email.ts";
import { signInPath } from "../account-paths.ts";
import { clientIp } from "../client-ip.ts";
import { checkCsrf, ensureAnonymousCsrfId, issueCsrfToken, readAnonymousCsrfId } from "../csrf.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderAccountFormPage } from "../pages/account-form-page.ts";
import type { Branding } from "../pages/branding.ts";
import { renderErrorPage } from "../pages/error-page.ts";
import { formActionSource } from "../pages/html.ts";
import { renderInfoPage } from "../pages/info-page.ts";
import { RESEND_VERIFICATION_PATH } from "../pages/verify-email-gate-page.ts";
import { authorizeRequestClientId, DEFAULT_RETURN_TO, safeReturnTo } from "../return-to.ts";
import { readSessionToken, setSessionCookie } from "../session-cookie.ts";
import { sendVerifyEmailGate } from "../verify-email-gate.ts";

export type ResendVerificationLimiters = {
  /** Resends per signed-in user; default 3 per 15 minutes. */
  readonly perUser: RateLimiter;
  /** Resends per client address; default 10 per 15 minutes. */
  readonly perIp: RateLimiter;
};

const LINK_PROBLEMS: Record<AccountLinkProblem, { title: string; message: string }> = {
  invalid: {
    title: "This link doesn't work",
    message: "The link is incomplete or was replaced by a newer one. Sign in to ask for a new verification email.",
  },
  used: {
    title: "This link was already used",
    message: "Each link works once. If you verified your address with it, just sign in.",
  },
  expired: {
    title: "This link has expired",
    message: "For your security links expire. Sign in to ask for a new verification email.",
  },
};

/**
 * Email verification: `GET /verify-email` (the mailed link: a confirmation page, so a mail scanner fetching the link
 * spends nothing), `POST /verify-email` (verifies, signs in, continues `return_to`) and `POST /verify-email/resend`
 * (a new link for the signed-in user, rate-limited).
 */
export function registerEmailVerificationRoutes(
  router: Hono,
  deps: HttpDeps & { readonly resendLimiter?: Partial<ResendVerificationLimiters> },
): void {
  const https = deps.config.secureCookies;
  const key = deps.runtime.csrfKey;
  const limiters: ResendVerificationLimiters = {
    perUser:
      deps.resendLimiter?.perUser ??
      createRateLimiter(deps.orm.em, { name: "verify-resend-user", limit: 3, windowMs: 15 * 60_000 }),
    perIp:
      deps.resendLimiter?.perIp ??
      createRateLimiter(deps.orm.em, { name: "verify-resend-ip", limit: 10, windowMs: 15 * 60_000 }),
  };
  const mailDeps = { mailer: deps.mailer, logger: deps.logger, publicUrl: deps.config.publicUrl };

  async function appContext(returnTo: string) {
    const clientId = authorizeRequestClientId(returnTo, deps.config.publicUrl);
    const context = clientId ? await loadSignInContext(deps.orm.em.fork(), clientId) : null;
    return {
      branding: (context?.branding ?? null) as Branding | null,
      formAction: (context?.redirectUris ?? []).flatMap((uri) => formActionSource(uri) ?? []),
    };
  }

  function linkProblem(c: Context, problem: AccountLinkProblem, returnTo: string) {
    return sendPage(c, 400, (nonce) =>
      renderInfoPage({ ...LINK_PROBLEMS[problem], nonce, action: { label: "Sign in", href: signInPath(returnTo) } }),
    );
  }

  function formExpired(c: Context) {
    return sendPage(c, 403, (nonce) =>
      renderErrorPage({
        title: "This form has expired",
        message: "For your security we couldn't use that form. Open the link from your email again.",
        status: 403,
        nonce,
      }),
    );
  }

  router.get(VERIFY_EMAIL_PATH, async (c) => {
    const token = c.req.query("token") ?? "";
    const returnTo = safeReturnTo(c.req.query("return_to"), deps.config.publicUrl);
    const found = await findAccountLink(deps.orm.em.fork(), token, "verify_email", new Date());
    if (!found.ok) return linkProblem(c, found.problem, returnTo);
    const { branding, formAction } = await appContext(returnTo);
    const csrfToken = issueCsrfToken(key, { anonymousId: ensureAnonymousCsrfId(c, https) });
    return sendPage(
      c,
      200,
      (nonce) =>
        renderAccountFormPage({
          title: "Verify your email address",
          intro: `Confirm that ${found.user.email} is your address${branding ? ` to continue to ${branding.name}` : ""}.`,
          action: VERIFY_EMAIL_PATH,
          submitLabel: "Verify email address",
          csrfToken,
          hidden: { token, return_to: returnTo },
          fields: [],
          branding,
          nonce,
        }),
      { formAction },
    );
  });

  router.post(VERIFY_EMAIL_PATH, async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token.slice(0, 200) : "";
    const returnTo = safeReturnTo(form.return_to, deps.config.publicUrl);
    const anonymousId = readAnonymousCsrfId(c, https);
    const binding = anonymousId === undefined ? undefined : { anonymousId };
    if (!checkCsrf(c, { key, publicUrl: deps.config.publicUrl, binding }, form.csrf_token)) return formExpired(c);
    const now = new Date();
    const em = deps.orm.em.fork();
    const previous = readSessionToken(c, https);
    const current = await resolveSession(em, previous, now, deps.config.sessionPolicy);
    const result = await verifyEmail(
      em,
      {
        token,
        signedInUserId: current?.user.id ?? null,
        ip: clientIp(c, deps.config.trustedProxyHops),
        userAgent: c.req.header("user-agent") ?? null,
        absoluteTimeoutMs: deps.config.sessionPolicy.absoluteTimeoutMs,
      },
      now,
    );
    if (!result.ok) return linkProblem(c, result.problem, returnTo);
    if (result.session) {
      // Another account's session in this browser ends: one cookie, one session (as the login form does).
      if (previous) await endSession(deps.orm.em.fork(), previous, now);
      setSessionCookie(c, result.session.token, result.session.expiresAt, https);
    }
    c.header("Cache-Control", "no-store");
    return c.redirect(returnTo, 303);
  });

  router.post(RESEND_VERIFICATION_PATH, async (c) => {
    const form = await c.req.parseBody();
    const returnTo = safeReturnTo(form.return_to, deps.config.publicUrl);
    const now = new Date();
    const em = deps.orm.em.fork();
    const session = await resolveSession(em, readSessionToken(c, https), now, deps.config.sessionPolicy);
    if (!session) return c.redirect(signInPath(returnTo), 303);
    const binding = { sessionId: session.sessionId };
    if (!checkCsrf(c, { key, publicUrl: deps.config.publicUrl, binding }, form.csrf_token)) return formExpired(c);
    if (session.user.emailVerified) return c.redirect(returnTo, 303);
    const { branding } = await appContext(returnTo);
    for (const [limiter, limitKey] of [
      [limiters.perUser, `user:${session.user.id}`],
      [limiters.perIp, `ip:${clientIp(c, deps.config.trustedProxyHops)}`],
    ] as const) {
      const decision = await limiter.consume(limitKey, now);
      if (!decision.allowed) {
        const minutes = Math.ceil(decision.retryAfterSeconds / 60);
        return sendVerifyEmailGate(c, deps, {
          status: 429,
          branding,
          session,
          returnTo,
          notice: `Too many emails sent, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
          headers: { "Retry-After": String(decision.retryAfterSeconds) },
        });
      }
    }
    const result = await resendVerificationEmail(
      em,
      mailDeps,
      { userId: session.user.id, returnTo: returnTo === DEFAULT_RETURN_TO ? null : returnTo },
      now,
    );
    if (result.alreadyVerified) return c.redirect(returnTo, 303);
    return sendVerifyEmailGate(c, deps, {
      status: 200,
      branding,
      session,
      returnTo,
      notice: `We've sent a new link to ${session.user.email}. It works once, for 24 hours.`,
    });
  });
}
