import type { EntityManager } from "@mikro-orm/postgresql";
import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { relyingPartyFor } from "../../services/passkeys/relying-party.ts";
import { passkeyAuthenticationOptions } from "../../services/passkeys/verify-passkey.ts";
import { endSession } from "../../services/sessions/end-session.ts";
import { type LoginPageTarget, loadLoginPageContext } from "../../services/sessions/load-login-page-context.ts";
import {
  createLoginThrottle,
  DEFAULT_LOGIN_THROTTLE,
  type LoginThrottle,
} from "../../services/sessions/login-throttle.ts";
import { loginWithPassword, normalizeEmail } from "../../services/sessions/login-with-password.ts";
import { resolveSession } from "../../services/sessions/resolve-session.ts";
import { forgotPasswordPath, signUpPath } from "../account-paths.ts";
import { clientIp } from "../client-ip.ts";
import { POPUP_OPENER_POLICY } from "../connection-callback.ts";
import { checkCsrf, ensureAnonymousCsrfId, issueCsrfToken, readAnonymousCsrfId } from "../csrf.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import type { Branding } from "../pages/branding.ts";
import { renderErrorPage } from "../pages/error-page.ts";
import { formActionSource } from "../pages/html.ts";
import { renderInfoPage } from "../pages/info-page.ts";
import { renderLoginPage } from "../pages/login-page.ts";
import { authorizeRequestClientId, connectionStartIntegrationId, safeReturnTo } from "../return-to.ts";
import { sendSecondFactorStep } from "../second-factor-step.ts";
import { clearSessionCookie, readSessionToken, setSessionCookie } from "../session-cookie.ts";

const MAX_EMAIL_LENGTH = 320;

const BAD_CREDENTIALS = "Incorrect email or password.";
const FORM_EXPIRED = "This sign-in form has expired. Please try again.";
const PASSKEY_FAILED = "That passkey didn't work. Try again, or sign in with your email and password.";

/** `throttle` defaults to {@link DEFAULT_LOGIN_THROTTLE} (limits on failures, per account and per address). */
export type LoginRouteDeps = HttpDeps & { readonly throttle?: LoginThrottle };

/**
 * The browser login: `GET /login` (the form), `POST /login` (email + password → session cookie → 303 to
 * `return_to`), `GET /logout` (a confirmation form) and `POST /logout` (ends the session).
 */
export function registerLoginRoutes(router: Hono, deps: LoginRouteDeps): void {
  const https = deps.config.secureCookies;
  const key = deps.runtime.csrfKey;
  const throttle = deps.throttle ?? createLoginThrottle(deps.orm.em, DEFAULT_LOGIN_THROTTLE);

  async function showLogin(
    c: Context,
    status: ContentfulStatusCode,
    page: { returnTo: string; email?: string; error?: string; headers?: Record<string, string> },
  ): Promise<Response> {
    const anonymousId = ensureAnonymousCsrfId(c, https);
    const { branding, formAction, providers, headers, signUpOpen } = await authorizeContext(
      deps.orm.em.fork(),
      page.returnTo,
      deps.config,
    );
    const csrfToken = issueCsrfToken(key, { anonymousId });
    const passkeyScope = { purpose: "sign-in", anonymousId } as const;
    const rp = relyingPartyFor(deps.config.publicUrl);
    const passkeyOptions = await passkeyAuthenticationOptions(deps.orm.em, deps.keyring, rp, passkeyScope, new Date());
    return sendPage(
      c,
      status,
      (nonce) =>
        renderLoginPage({
          branding,
          returnTo: page.returnTo,
          csrfToken,
          nonce,
          providers,
          passkeyOptions: JSON.stringify(passkeyOptions),
          ...(signUpOpen && { signUpHref: signUpPath(page.returnTo) }),
          forgotPasswordHref: forgotPasswordPath(page.returnTo),
          ...(page.email !== undefined && { email: page.email }),
          ...(page.error !== undefined && { error: page.error }),
        }),
      { formAction, headers: { ...headers, ...page.headers }, script: true },
    );
  }

  router.get("/login", (c) =>
    showLogin(c, 200, {
      returnTo: safeReturnTo(c.req.query("return_to"), deps.config.publicUrl),
      // Where an expired second step (login-second-factor.ts) sends the browser back.
      ...(c.req.query("expired") === "1" && { error: FORM_EXPIRED }),
      // Where a refused passkey sign-in (login-passkey.ts) sends the browser back.
      ...(c.req.query("passkey") === "failed" && { error: PASSKEY_FAILED }),
    }),
  );

  router.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const returnTo = safeReturnTo(form.return_to, deps.config.publicUrl);
    const email = typeof form.email === "string" ? form.email.trim().slice(0, MAX_EMAIL_LENGTH) : "";
    const password = typeof form.password === "string" ? form.password : "";
    const anonymousId = readAnonymousCsrfId(c, https);
    const binding = anonymousId === undefined ? undefined : { anonymousId };
    if (!checkCsrf(c, { key, publicUrl: deps.config.publicUrl, binding }, form.csrf_token)) {
      return showLogin(c, 403, { returnTo, email, error: FORM_EXPIRED });
    }
    if (email === "" || password === "") {
      return showLogin(c, 400, { returnTo, email, error: "Enter your email and password." });
    }
    const now = new Date();
    const ip = clientIp(c, deps.config.trustedProxyHops);
    const admission = await throttle.admit({ address: ip, account: normalizeEmail(email) }, now);
    if (!admission.allowed) {
      const seconds = admission.retryAfterSeconds;
      return showLogin(c, 429, {
        returnTo,
        email,
        error: `Too many attempts, try again in ${seconds} ${seconds === 1 ? "second" : "seconds"}.`,
        headers: { "Retry-After": String(seconds) },
      });
    }
    const result = await loginWithPassword(
      deps.orm.em.fork(),
      {
        email,
        password,
        ip,
        userAgent: c.req.header("user-agent") ?? null,
        absoluteTimeoutMs: deps.config.sessionPolicy.absoluteTimeoutMs,
      },
      now,
    );
    if (!result.ok) return showLogin(c, 401, { returnTo, email, error: BAD_CREDENTIALS });
    await admission.succeeded();
    if (result.ok === "second_factor") {
      // anonymousId is set: the CSRF check above passed with it.
      const state = { userId: result.userId, step: result.step, anonymousId: anonymousId! };
      return sendSecondFactorStep(c, deps, 200, { state, returnTo, startEnrolment: result.step === "enrol" }, now);
    }
    // A previous session in this browser (another account, or this one) ends: one cookie, one session.
    const previous = readSessionToken(c, https);
    if (previous) await endSession(deps.orm.em.fork(), previous, now);
    setSessionCookie(c, result.token, result.expiresAt, https);
    c.header("Cache-Control", "no-store");
    return c.redirect(returnTo, 303);
  });

  router.get("/logout", async (c) => {
    const session = await resolveSession(
      deps.orm.em.fork(),
      readSessionToken(c, https),
      new Date(),
      deps.config.sessionPolicy,
    );
    if (!session) {
      clearSessionCookie(c, https);
      return sendPage(c, 200, signedOutPage);
    }
    const csrfToken = issueCsrfToken(key, { sessionId: session.sessionId });
    return sendPage(c, 200, (nonce) =>
      renderInfoPage({
        title: "Sign out?",
        message: `You're signed in as ${session.user.email}.`,
        nonce,
        action: { label: "Sign out", postTo: "/logout", csrfToken },
      }),
    );
  });

  router.post("/logout", async (c) => {
    const form = await c.req.parseBody();
    const now = new Date();
    const token = readSessionToken(c, https);
    const session = await resolveSession(deps.orm.em.fork(), token, now, deps.config.sessionPolicy);
    if (session) {
      const binding = { sessionId: session.sessionId };
      if (!checkCsrf(c, { key, publicUrl: deps.config.publicUrl, binding }, form.csrf_token)) {
        return sendPage(c, 403, (nonce) =>
          renderErrorPage({
            title: "This sign-out link has expired",
            message: "For your security we couldn't sign you out from that page. Go back and try again.",
            status: 403,
            nonce,
          }),
        );
      }
      await endSession(deps.orm.em.fork(), token, now);
    }
    clearSessionCookie(c, https);
    return sendPage(c, 200, signedOutPage);
  });
}

function signedOutPage(nonce: string): string {
  return renderInfoPage({
    title: "You're signed out",
    message: "You have been signed out of your account on this browser.",
    nonce,
    action: { label: "Sign in again", href: "/login" },
  });
}

type AuthorizeContext = {
  readonly branding: Branding | null;
  readonly formAction: string[];
  readonly providers: { readonly id: string; readonly label: string }[];
  /** Response headers the continuation needs: the connection popup's opener policy. */
  readonly headers: Record<string, string>;
  /** Whether the app's organization lets people sign up (the page offers "Create account"). */
  readonly signUpOpen: boolean;
};

/**
 * What the login page shows for the sign-in `returnTo` continues (load-login-page-context.ts), as page parts: an
 * app's branding, its identity providers ("Continue with …") and the `form-action` sources of its redirect URIs,
 * since the login POST's redirect chain may end at one. Inside seed 004's Connect popup the POST ends at the
 * upstream's consent (Chrome applies `form-action` to every redirect hop), and the page must keep `window.opener`,
 * which `same-origin` would sever for good, or the result could never reach the app's page.
 */
async function authorizeContext(
  em: EntityManager,
  returnTo: string,
  config: { readonly publicUrl: string; readonly openSignUp: boolean },
): Promise<AuthorizeContext> {
  const context = await loadLoginPageContext(em, loginPageTarget(returnTo, config.publicUrl), config.openSignUp);
  switch (context.kind) {
    case "console":
      return { ...NO_CONTEXT, signUpOpen: context.signUpOpen };
    case "unknown":
      return NO_CONTEXT;
    case "connection":
      return {
        ...NO_CONTEXT,
        formAction: [formActionSource(context.connection.authorizeUrl)].filter((source) => source !== null),
        headers: POPUP_OPENER_POLICY,
      };
    case "authorization":
      return {
        branding: context.signIn.branding,
        formAction: context.signIn.redirectUris.flatMap((uri) => formActionSource(uri) ?? []),
        providers: [...context.signIn.providers],
        headers: {},
        signUpOpen: context.signUpOpen,
      };
  }
}

function loginPageTarget(returnTo: string, publicUrl: string): LoginPageTarget {
  const integrationId = connectionStartIntegrationId(returnTo, publicUrl);
  if (integrationId) return { kind: "connection", integrationId };
  const clientId = authorizeRequestClientId(returnTo, publicUrl);
  return clientId ? { kind: "authorization", clientId } : { kind: "console" };
}

const NO_CONTEXT: AuthorizeContext = { branding: null, formAction: [], providers: [], headers: {}, signUpOpen: false };
