import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MAX_PASSWORD_LENGTH } from "../../crypto/password.ts";
import { createRateLimiter, type RateLimiter } from "../../db/rate-limit.ts";
import { loadSignInContext } from "../../services/oauth/load-sign-in-context.ts";
import { normalizeEmail } from "../../services/sessions/login-with-password.ts";
import { MIN_PASSWORD_LENGTH } from "../../services/users/password-policy.ts";
import { MAX_DISPLAY_NAME_LENGTH } from "../../services/users/profile-rules.ts";
import { type SignUpField, signUp, signUpFieldProblem } from "../../services/users/sign-up.ts";
import { signUpPolicyFor } from "../../services/users/sign-up-policy.ts";
import { SIGN_UP_PATH, signInPath } from "../account-paths.ts";
import { clientIp } from "../client-ip.ts";
import { checkCsrf, ensureAnonymousCsrfId, issueCsrfToken, readAnonymousCsrfId } from "../csrf.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderAccountFormPage } from "../pages/account-form-page.ts";
import type { Branding } from "../pages/branding.ts";
import { renderInfoPage } from "../pages/info-page.ts";
import { authorizeRequestClientId, DEFAULT_RETURN_TO, safeReturnTo } from "../return-to.ts";

const FORM_EXPIRED = "This form has expired. Please try again.";
const PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters. Avoid common passwords.`;
const MAX_EMAIL_LENGTH = 320;

export type SignUpLimiters = {
  /** Sign-ups per client address; default 20 per 15 minutes. */
  readonly perIp: RateLimiter;
  /** Sign-ups per normalized email, whether or not it has an account; default 3 per 15 minutes. */
  readonly perEmail: RateLimiter;
};

type FormState = { email?: string; displayName?: string; error?: string; errorField?: SignUpField };

/**
 * Sign-up: `GET/POST /signup`, offered while authorizing an app whose organization's `signUpPolicy` is OPEN, and
 * outside any authorization (the console's sign-in) when LATCH_SIGN_UP is open.
 * The POST answers "Check your email" whether or not the address already has an account (its owner is mailed
 * instead); the mailed link verifies the address, signs the person in and continues `return_to`.
 */
export function registerSignUpRoutes(
  router: Hono,
  deps: HttpDeps & { readonly signUpLimiter?: Partial<SignUpLimiters> },
): void {
  const https = deps.config.secureCookies;
  const key = deps.runtime.csrfKey;
  const limiters: SignUpLimiters = {
    perIp:
      deps.signUpLimiter?.perIp ??
      createRateLimiter(deps.orm.em, { name: "signup-ip", limit: 20, windowMs: 15 * 60_000 }),
    perEmail:
      deps.signUpLimiter?.perEmail ??
      createRateLimiter(deps.orm.em, { name: "signup-email", limit: 3, windowMs: 15 * 60_000 }),
  };
  const mailDeps = { mailer: deps.mailer, logger: deps.logger, publicUrl: deps.config.publicUrl };

  async function brandingFor(clientId: string | null): Promise<Branding | null> {
    return clientId ? ((await loadSignInContext(deps.orm.em.fork(), clientId))?.branding ?? null) : null;
  }

  function signUpForm(
    c: Context,
    status: ContentfulStatusCode,
    input: { returnTo: string; branding: Branding | null; headers?: Record<string, string> } & FormState,
  ) {
    const csrfToken = issueCsrfToken(key, { anonymousId: ensureAnonymousCsrfId(c, https) });
    const { branding } = input;
    return sendPage(
      c,
      status,
      (nonce) =>
        renderAccountFormPage({
          title: branding ? `Create an account to continue to ${branding.name}` : "Create an account",
          intro: "We'll email you a link to verify your address.",
          action: SIGN_UP_PATH,
          submitLabel: "Create account",
          csrfToken,
          hidden: { return_to: input.returnTo },
          fields: [
            {
              name: "email",
              label: "Email",
              type: "email",
              autocomplete: "email",
              maxLength: MAX_EMAIL_LENGTH,
              value: input.email,
            },
            {
              name: "display_name",
              label: "Display name",
              type: "text",
              autocomplete: "name",
              maxLength: MAX_DISPLAY_NAME_LENGTH,
              value: input.displayName,
            },
            {
              name: "password",
              label: "Password",
              type: "password",
              autocomplete: "new-password",
              maxLength: MAX_PASSWORD_LENGTH,
              hint: PASSWORD_HINT,
            },
          ],
          ...(input.error && { error: input.error, errorField: input.errorField ?? "email" }),
          links: [{ label: "Already have an account? Sign in", href: signInPath(input.returnTo) }],
          branding,
          nonce,
        }),
      { headers: input.headers ?? {} },
    );
  }

  function closedPage(c: Context, returnTo: string, branding: Branding | null) {
    return sendPage(c, 403, (nonce) =>
      renderInfoPage({
        title: "Sign-up isn't available",
        message: branding
          ? `${branding.name} doesn't let people create accounts here. Sign in with an account you already have, or ask its team for an invitation.`
          : "New accounts can only be created from an app that allows sign-up, or with an invitation. Sign in with an account you already have.",
        nonce,
        branding,
        action: { label: "Sign in", href: signInPath(returnTo) },
      }),
    );
  }

  router.get(SIGN_UP_PATH, async (c) => {
    const returnTo = safeReturnTo(c.req.query("return_to"), deps.config.publicUrl);
    const clientId = authorizeRequestClientId(returnTo, deps.config.publicUrl);
    const branding = await brandingFor(clientId);
    const { policy } = await signUpPolicyFor(deps.orm.em.fork(), clientId, deps.config.openSignUp);
    if (policy !== "OPEN") return closedPage(c, returnTo, branding);
    return signUpForm(c, 200, { returnTo, branding });
  });

  router.post(SIGN_UP_PATH, async (c) => {
    const form = await c.req.parseBody();
    const text = (value: unknown, max: number) => (typeof value === "string" ? value.slice(0, max) : "");
    const returnTo = safeReturnTo(form.return_to, deps.config.publicUrl);
    const email = text(form.email, MAX_EMAIL_LENGTH + 1).trim();
    const displayName = text(form.display_name, MAX_DISPLAY_NAME_LENGTH * 4 + 1);
    const password = text(form.password, MAX_PASSWORD_LENGTH + 1);
    const clientId = authorizeRequestClientId(returnTo, deps.config.publicUrl);
    const branding = await brandingFor(clientId);
    const state = { returnTo, branding, email, displayName };
    const anonymousId = readAnonymousCsrfId(c, https);
    const binding = anonymousId === undefined ? undefined : { anonymousId };
    if (!checkCsrf(c, { key, publicUrl: deps.config.publicUrl, binding }, form.csrf_token)) {
      return signUpForm(c, 403, { ...state, error: FORM_EXPIRED });
    }
    const { policy } = await signUpPolicyFor(deps.orm.em.fork(), clientId, deps.config.openSignUp);
    if (policy !== "OPEN") return closedPage(c, returnTo, branding);
    const problem = signUpFieldProblem({ email, displayName, password });
    if (problem) return signUpForm(c, 400, { ...state, error: problem.message, errorField: problem.field });
    const now = new Date();
    for (const [limiter, limitKey] of [
      [limiters.perIp, `ip:${clientIp(c, deps.config.trustedProxyHops)}`],
      [limiters.perEmail, `email:${normalizeEmail(email)}`],
    ] as const) {
      const decision = await limiter.consume(limitKey, now);
      if (!decision.allowed) {
        const minutes = Math.ceil(decision.retryAfterSeconds / 60);
        return signUpForm(c, 429, {
          ...state,
          error: `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
          headers: { "Retry-After": String(decision.retryAfterSeconds) },
        });
      }
    }
    const result = await signUp(
      deps.orm.em.fork(),
      mailDeps,
      {
        email,
        displayName,
        password,
        clientId,
        openSignUp: deps.config.openSignUp,
        returnTo: returnTo === DEFAULT_RETURN_TO ? null : returnTo,
      },
      now,
    );
    if (!result.ok) {
      if (result.problem === "closed") return closedPage(c, returnTo, branding);
      return signUpForm(c, 400, { ...state, error: result.message, errorField: result.field });
    }
    return sendPage(c, 200, (nonce) =>
      renderInfoPage({
        title: "Check your email",
        message: `We've sent a message to ${email}. Open the link in it to verify your address${branding ? ` and continue to ${branding.name}` : ""}. The link works once, for 24 hours.`,
        nonce,
        branding,
        action: { label: "Back to sign in", href: signInPath(returnTo) },
      }),
    );
  });
}
