import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MAX_PASSWORD_LENGTH } from "../../crypto/password.ts";
import {
  acceptInvitation,
  acceptInvitationAsNewUser,
  type Joined,
} from "../../services/invitations/accept-invitation.ts";
import { describeInvitation, type InvitationView } from "../../services/invitations/describe-invitation.ts";
import { ACCEPT_INVITATION_PATH, type InvitationProblem } from "../../services/invitations/invitation-rules.ts";
import { createSession } from "../../services/sessions/create-session.ts";
import { endSession } from "../../services/sessions/end-session.ts";
import { normalizeEmail } from "../../services/sessions/login-with-password.ts";
import { type ResolvedSession, resolveSession } from "../../services/sessions/resolve-session.ts";
import { MIN_PASSWORD_LENGTH } from "../../services/users/password-policy.ts";
import { clientIp } from "../client-ip.ts";
import { type CsrfBinding, checkCsrf, ensureAnonymousCsrfId, issueCsrfToken, readAnonymousCsrfId } from "../csrf.ts";
import type { HttpDeps } from "../deps.ts";
import { clearInvitationCookie, readInvitationCookie, setInvitationCookie } from "../invitation-cookie.ts";
import { sendPage } from "../page-response.ts";
import { renderAccountFormPage } from "../pages/account-form-page.ts";
import { renderErrorPage } from "../pages/error-page.ts";
import { renderInfoPage } from "../pages/info-page.ts";
import { INVITATION_PROBLEM_PAGES, withArticle } from "../pages/invitation-pages.ts";
import { clearSessionCookie, readSessionToken, setSessionCookie } from "../session-cookie.ts";

const PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters. Avoid common passwords.`;
const SIGN_IN = `/login?return_to=${encodeURIComponent(ACCEPT_INVITATION_PATH)}`;

type Pending = Extract<InvitationView, { ok: true }>;

/**
 * The page an invitation link opens, `GET/POST /invitations/accept`. The link's token moves into a cookie at once
 * (see invitation-cookie.ts). The invitation is for its address: signed in as it, a person confirms and joins;
 * signed in as another, they are offered to sign out; signed out with an account, they sign in and come back;
 * without one, they create it on the page (name and password; the address counts as verified), whatever the
 * organization's sign-up policy. Every form carries a CSRF token; used, revoked and expired links get a readable page.
 */
export function registerInvitationRoutes(router: Hono, deps: HttpDeps): void {
  const https = deps.config.secureCookies;
  const key = deps.runtime.csrfKey;

  function problemPage(c: Context, problem: InvitationProblem | "missing") {
    clearInvitationCookie(c, https);
    const page = INVITATION_PROBLEM_PAGES[problem];
    return sendPage(c, 400, (nonce) =>
      renderInfoPage({ ...page, nonce, action: { label: "Go to sign in", href: "/login" } }),
    );
  }

  function confirmPage(c: Context, invitation: Pending, session: ResolvedSession) {
    const csrfToken = issueCsrfToken(key, { sessionId: session.sessionId });
    return sendPage(c, 200, (nonce) =>
      renderAccountFormPage({
        title: `Join ${invitation.organizationName}`,
        intro: `You're signed in as ${session.user.email}. Accept to join ${invitation.organizationName} as ${withArticle(invitation.role)}.`,
        action: ACCEPT_INVITATION_PATH,
        submitLabel: "Accept invitation",
        csrfToken,
        hidden: { intent: "accept" },
        fields: [],
        nonce,
      }),
    );
  }

  function wrongAccountPage(c: Context, invitedEmail: string, session: ResolvedSession) {
    const csrfToken = issueCsrfToken(key, { sessionId: session.sessionId });
    return sendPage(c, 403, (nonce) =>
      renderAccountFormPage({
        title: "This invitation is for another account",
        intro: `It was sent to ${invitedEmail}, and you're signed in as ${session.user.email}. Sign out to accept it as ${invitedEmail}.`,
        action: ACCEPT_INVITATION_PATH,
        submitLabel: "Sign out and continue",
        csrfToken,
        hidden: { intent: "switch_account" },
        fields: [],
        nonce,
      }),
    );
  }

  function createAccountPage(
    c: Context,
    status: ContentfulStatusCode,
    invitation: Pending,
    page: { name?: string; error?: string; errorField?: string } = {},
  ) {
    const csrfToken = issueCsrfToken(key, { anonymousId: ensureAnonymousCsrfId(c, https) });
    return sendPage(c, status, (nonce) =>
      renderAccountFormPage({
        title: `Join ${invitation.organizationName}`,
        intro: `You were invited as ${withArticle(invitation.role)} with ${invitation.email}. Choose your name and a password to create your account.`,
        action: ACCEPT_INVITATION_PATH,
        submitLabel: "Create account and join",
        csrfToken,
        hidden: { intent: "create_account" },
        fields: [
          {
            name: "display_name",
            label: "Your name",
            type: "text",
            autocomplete: "name",
            maxLength: 200,
            value: page.name,
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
        ...(page.error && { error: page.error, errorField: page.errorField ?? "password" }),
        links: [{ label: "I already have an account", href: SIGN_IN }],
        nonce,
      }),
    );
  }

  function joinedPage(c: Context, joined: Joined) {
    clearInvitationCookie(c, https);
    return sendPage(c, 200, (nonce) =>
      renderInfoPage({
        title: `You joined ${joined.organizationName}`,
        message: joined.alreadyMember
          ? `You were already a member of ${joined.organizationName}; your role stays ${joined.role}.`
          : `You're now ${withArticle(joined.role)} of ${joined.organizationName}.`,
        nonce,
        action: { label: "Open the console", href: "/console" },
      }),
    );
  }

  router.get(ACCEPT_INVITATION_PATH, async (c) => {
    const fromLink = c.req.query("token");
    if (fromLink !== undefined) {
      // Out of the address bar before anything renders: the rest of the flow reads the cookie.
      if (fromLink.length > 0 && fromLink.length <= 100) setInvitationCookie(c, fromLink, https);
      c.header("Cache-Control", "no-store");
      return c.redirect(ACCEPT_INVITATION_PATH, 303);
    }
    const token = readInvitationCookie(c, https);
    if (!token) return problemPage(c, "missing");
    const now = new Date();
    const em = deps.orm.em.fork();
    const invitation = await describeInvitation(em, token, now);
    if (!invitation.ok) return problemPage(c, invitation.problem);
    const session = await resolveSession(em, readSessionToken(c, https), now);
    if (session) {
      if (normalizeEmail(session.user.email) !== invitation.emailNormalized) {
        return wrongAccountPage(c, invitation.email, session);
      }
      return confirmPage(c, invitation, session);
    }
    if (invitation.accountExists) return c.redirect(SIGN_IN, 303);
    return createAccountPage(c, 200, invitation);
  });

  router.post(ACCEPT_INVITATION_PATH, async (c) => {
    const form = await c.req.parseBody();
    const now = new Date();
    const em = deps.orm.em.fork();
    const sessionToken = readSessionToken(c, https);
    const session = await resolveSession(em, sessionToken, now);
    const anonymousId = readAnonymousCsrfId(c, https);
    const binding: CsrfBinding | undefined = session
      ? { sessionId: session.sessionId }
      : anonymousId === undefined
        ? undefined
        : { anonymousId };
    if (!checkCsrf(c, { key, publicUrl: deps.config.publicUrl, binding }, form.csrf_token)) {
      return sendPage(c, 403, (nonce) =>
        renderErrorPage({
          title: "This form has expired",
          message: "For your security we couldn't use that form. Open the invitation link again.",
          status: 403,
          nonce,
        }),
      );
    }
    const token = readInvitationCookie(c, https);
    if (!token) return problemPage(c, "missing");
    const intent = form.intent;
    if (intent === "switch_account") {
      if (session) await endSession(em, sessionToken, now);
      clearSessionCookie(c, https);
      return c.redirect(ACCEPT_INVITATION_PATH, 303);
    }
    if (intent === "accept" && session) {
      const result = await acceptInvitation(em, { token, userId: session.user.id }, now);
      if (result.ok) return joinedPage(c, result);
      if (result.problem === "wrong_account") return wrongAccountPage(c, result.invitedEmail, session);
      return problemPage(c, result.problem);
    }
    if (intent !== "create_account" || session) return c.redirect(ACCEPT_INVITATION_PATH, 303);
    const name = typeof form.display_name === "string" ? form.display_name.slice(0, 400) : "";
    const password = typeof form.password === "string" ? form.password : "";
    const result = await acceptInvitationAsNewUser(em, { token, displayName: name, password }, now);
    if (!result.ok) {
      if (result.problem === "account_exists") return c.redirect(SIGN_IN, 303);
      if (result.problem === "password" || result.problem === "name") {
        const invitation = await describeInvitation(deps.orm.em.fork(), token, now);
        if (!invitation.ok) return problemPage(c, invitation.problem);
        return createAccountPage(c, 400, invitation, {
          name,
          error: result.message,
          errorField: result.problem === "name" ? "display_name" : "password",
        });
      }
      return problemPage(c, result.problem);
    }
    const created = await createSession(
      deps.orm.em.fork(),
      {
        userId: result.userId,
        authMethod: "password",
        ip: clientIp(c, deps.config.trustedProxyHops),
        userAgent: c.req.header("user-agent") ?? null,
      },
      now,
    );
    setSessionCookie(c, created.token, created.expiresAt, https);
    return joinedPage(c, result);
  });
}
