import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MAX_PASSWORD_LENGTH } from "../../crypto/password.ts";
import { createRateLimiter, type RateLimiter } from "../../db/rate-limit.ts";
import { normalizeEmail } from "../../services/sessions/login-with-password.ts";
import { resolveSession } from "../../services/sessions/resolve-session.ts";
import type { AccountLinkProblem } from "../../services/users/account-links.ts";
import { findAccountLink } from "../../services/users/account-links.ts";
import { emailProblem } from "../../services/users/create-user.ts";
import { MIN_PASSWORD_LENGTH } from "../../services/users/password-policy.ts";
import { RESET_PASSWORD_PATH, requestPasswordReset } from "../../services/users/request-password-reset.ts";
import { resetPassword } from "../../services/users/reset-password.ts";
import { signInPath } from "../account-paths.ts";
import { clientIp } from "../client-ip.ts";
import { checkCsrf, ensureAnonymousCsrfId, issueCsrfToken, readAnonymousCsrfId } from "../csrf.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderAccountFormPage } from "../pages/account-form-page.ts";
import { renderErrorPage } from "../pages/error-page.ts";
import { renderInfoPage } from "../pages/info-page.ts";
import { DEFAULT_RETURN_TO, safeReturnTo } from "../return-to.ts";
import { readSessionToken } from "../session-cookie.ts";

export const FORGOT_PASSWORD_PATH = "/forgot-password";

const FORM_EXPIRED = "This form has expired. Please try again.";
const PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters. Avoid common passwords.`;

export type PasswordResetLimiters = {
  /** Reset requests per client IP; default 10 per 15 minutes. */
  readonly perIp: RateLimiter;
  /** Reset requests per normalized email, whether or not it has an account; default 3 per 15 minutes. */
  readonly perEmail: RateLimiter;
};

/** Readable pages for a link that cannot be used, each offering a new one. */
export const LINK_PROBLEM_PAGES: Record<AccountLinkProblem, { title: string; message: string }> = {
  invalid: {
    title: "This link doesn't work",
    message: "The link is incomplete or was replaced by a newer one. Ask for a new link and use the latest email.",
  },
  used: { title: "This link was already used", message: "Each link works once. Ask for a new one if you need it." },
  expired: { title: "This link has expired", message: "For your security links expire. Ask for a new one." },
};

/**
 * Password reset: `GET/POST /forgot-password` (ask for a link: the same answer whether or not the account exists)
 * and `GET/POST /reset-password` (the mailed link's form; a new password ends every other session).
 */
export function registerPasswordResetRoutes(
  router: Hono,
  deps: HttpDeps & { readonly resetLimiter?: Partial<PasswordResetLimiters> },
): void {
  const https = deps.config.secureCookies;
  const key = deps.runtime.csrfKey;
  const limiters: PasswordResetLimiters = {
    perIp:
      deps.resetLimiter?.perIp ??
      createRateLimiter(deps.orm.em, { name: "reset-ip", limit: 10, windowMs: 15 * 60_000 }),
    perEmail:
      deps.resetLimiter?.perEmail ??
      createRateLimiter(deps.orm.em, { name: "reset-email", limit: 3, windowMs: 15 * 60_000 }),
  };
  const mailDeps = { mailer: deps.mailer, logger: deps.logger, publicUrl: deps.config.publicUrl };

  function forgotForm(
    c: Context,
    status: ContentfulStatusCode,
    page: { email?: string; error?: string; returnTo: string },
    headers = {},
  ) {
    const csrfToken = issueCsrfToken(key, { anonymousId: ensureAnonymousCsrfId(c, https) });
    return sendPage(
      c,
      status,
      (nonce) =>
        renderAccountFormPage({
          title: "Reset your password",
          intro: "Enter your account's email address and we'll send you a link to choose a new password.",
          action: FORGOT_PASSWORD_PATH,
          submitLabel: "Send reset link",
          csrfToken,
          hidden: { return_to: page.returnTo },
          fields: [
            {
              name: "email",
              label: "Email",
              type: "email",
              autocomplete: "username",
              maxLength: 320,
              value: page.email,
            },
          ],
          ...(page.error && { error: page.error, errorField: "email" }),
          links: [{ label: "Back to sign in", href: signInPath(page.returnTo) }],
          nonce,
        }),
      { headers },
    );
  }

  function newPasswordForm(c: Context, status: ContentfulStatusCode, token: string, returnTo: string, error?: string) {
    const csrfToken = issueCsrfToken(key, { anonymousId: ensureAnonymousCsrfId(c, https) });
    return sendPage(c, status, (nonce) =>
      renderAccountFormPage({
        title: "Choose a new password",
        intro: "Signing in with the new password ends your other sessions.",
        action: RESET_PASSWORD_PATH,
        submitLabel: "Set new password",
        csrfToken,
        hidden: { token, return_to: returnTo },
        fields: [
          {
            name: "password",
            label: "New password",
            type: "password",
            autocomplete: "new-password",
            maxLength: MAX_PASSWORD_LENGTH,
            hint: PASSWORD_HINT,
          },
        ],
        ...(error && { error, errorField: "password" }),
        nonce,
      }),
    );
  }

  function linkProblem(c: Context, problem: AccountLinkProblem) {
    const page = LINK_PROBLEM_PAGES[problem];
    return sendPage(c, 400, (nonce) =>
      renderInfoPage({ ...page, nonce, action: { label: "Ask for a new link", href: FORGOT_PASSWORD_PATH } }),
    );
  }

  function formExpired(c: Context) {
    return sendPage(c, 403, (nonce) =>
      renderErrorPage({ title: "This form has expired", message: FORM_EXPIRED, status: 403, nonce }),
    );
  }

  const csrfOk = (c: Context, presented: unknown) => {
    const anonymousId = readAnonymousCsrfId(c, https);
    const binding = anonymousId === undefined ? undefined : { anonymousId };
    return checkCsrf(c, { key, publicUrl: deps.config.publicUrl, binding }, presented);
  };

  const returnToOf = (value: unknown) => safeReturnTo(value, deps.config.publicUrl);

  router.get(FORGOT_PASSWORD_PATH, (c) => forgotForm(c, 200, { returnTo: returnToOf(c.req.query("return_to")) }));

  router.post(FORGOT_PASSWORD_PATH, async (c) => {
    const form = await c.req.parseBody();
    const email = typeof form.email === "string" ? form.email.trim().slice(0, 320) : "";
    const returnTo = returnToOf(form.return_to);
    if (!csrfOk(c, form.csrf_token)) return forgotForm(c, 403, { email, error: FORM_EXPIRED, returnTo });
    const bad = emailProblem(email);
    if (bad) return forgotForm(c, 400, { email, error: bad, returnTo });
    const now = new Date();
    for (const [limiter, limitKey] of [
      [limiters.perIp, `ip:${clientIp(c, deps.config.trustedProxyHops)}`],
      [limiters.perEmail, `email:${normalizeEmail(email)}`],
    ] as const) {
      const decision = await limiter.consume(limitKey, now);
      if (!decision.allowed) {
        const minutes = Math.ceil(decision.retryAfterSeconds / 60);
        return forgotForm(
          c,
          429,
          {
            email,
            error: `Too many requests, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
            returnTo,
          },
          { "Retry-After": String(decision.retryAfterSeconds) },
        );
      }
    }
    await requestPasswordReset(deps.orm.em.fork(), mailDeps, email, now, {
      returnTo: returnTo === DEFAULT_RETURN_TO ? null : returnTo,
    });
    return sendPage(c, 200, (nonce) =>
      renderInfoPage({
        title: "Check your email",
        message:
          "If an account uses that address, we've sent it a link to choose a new password. The link works once, for 30 minutes.",
        nonce,
        action: { label: "Back to sign in", href: signInPath(returnTo) },
      }),
    );
  });

  router.get(RESET_PASSWORD_PATH, async (c) => {
    const token = c.req.query("token") ?? "";
    const found = await findAccountLink(deps.orm.em.fork(), token, "reset_password", new Date());
    if (!found.ok) return linkProblem(c, found.problem);
    return newPasswordForm(c, 200, token, returnToOf(c.req.query("return_to")));
  });

  router.post(RESET_PASSWORD_PATH, async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token.slice(0, 200) : "";
    const password = typeof form.password === "string" ? form.password : "";
    const returnTo = returnToOf(form.return_to);
    if (!csrfOk(c, form.csrf_token)) return formExpired(c);
    const now = new Date();
    const em = deps.orm.em.fork();
    const current = await resolveSession(em, readSessionToken(c, https), now, deps.config.sessionPolicy);
    const result = await resetPassword(em, { token, password, keepSessionId: current?.sessionId ?? null }, now);
    if (!result.ok) {
      if (result.problem === "password") return newPasswordForm(c, 400, token, returnTo, result.message);
      return linkProblem(c, result.problem);
    }
    return sendPage(c, 200, (nonce) =>
      renderInfoPage({
        title: "Your password was changed",
        message: "Your other sessions were signed out. Sign in with your new password.",
        nonce,
        action: { label: "Sign in", href: signInPath(returnTo) },
      }),
    );
  });
}
