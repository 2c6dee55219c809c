import type { Context, Hono } from "hono";
import type { AccountLinkProblem } from "../../services/users/account-links.ts";
import { confirmEmailChange, findEmailChangeLink } from "../../services/users/confirm-email-change.ts";
import { CONFIRM_EMAIL_PATH } from "../../services/users/request-email-change.ts";
import { PROFILE_PATH } from "../account-paths.ts";
import { checkCsrf, ensureAnonymousCsrfId, issueCsrfToken, readAnonymousCsrfId } from "../csrf.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderAccountFormPage } from "../pages/account-form-page.ts";
import { renderInfoPage } from "../pages/info-page.ts";

/** Readable pages for an email-change link that cannot be used, each leading back to the profile for a new one. */
const PROBLEM_PAGES: Record<AccountLinkProblem | "taken", { title: string; message: string }> = {
  invalid: {
    title: "This link doesn't work",
    message: "The link is incomplete or was replaced by a newer one. Ask for a new link and use the latest email.",
  },
  used: { title: "This link was already used", message: "Each link works once. Ask for a new one if you need it." },
  expired: { title: "This link has expired", message: "For your security links expire. Ask for a new one." },
  taken: {
    title: "This address can't be used",
    message: "The address can no longer be used for your account. Choose another one on your profile.",
  },
};

/**
 * The email-change link: `GET /account/email/confirm?token=…` shows a Confirm button (so a mail scanner opening
 * the link changes nothing) and `POST` applies the change. The link itself proves the mailbox: the browser need
 * not be signed in, and the form is bound to its pre-login CSRF cookie.
 */
export function registerAccountEmailConfirmRoutes(router: Hono, deps: HttpDeps): void {
  const https = deps.config.secureCookies;
  const key = deps.runtime.csrfKey;
  const mailDeps = { mailer: deps.mailer, logger: deps.logger, publicUrl: deps.config.publicUrl };

  function problem(c: Context, kind: AccountLinkProblem | "taken") {
    return sendPage(c, 400, (nonce) =>
      renderInfoPage({ ...PROBLEM_PAGES[kind], nonce, action: { label: "Go to your profile", href: PROFILE_PATH } }),
    );
  }

  router.get(CONFIRM_EMAIL_PATH, async (c) => {
    const token = c.req.query("token") ?? "";
    const found = await findEmailChangeLink(deps.orm.em.fork(), token, new Date());
    if (!found.ok) return problem(c, found.problem);
    const csrfToken = issueCsrfToken(key, { anonymousId: ensureAnonymousCsrfId(c, https) });
    return sendPage(c, 200, (nonce) =>
      renderAccountFormPage({
        title: "Confirm your new email address",
        intro: `Use ${found.newEmail} as your account's email address? Messages about your account will go there.`,
        action: CONFIRM_EMAIL_PATH,
        submitLabel: "Confirm new address",
        csrfToken,
        hidden: { token },
        fields: [],
        nonce,
      }),
    );
  });

  router.post(CONFIRM_EMAIL_PATH, async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof form.token === "string" ? form.token.slice(0, 200) : "";
    const anonymousId = readAnonymousCsrfId(c, https);
    const binding = anonymousId === undefined ? undefined : { anonymousId };
    if (!checkCsrf(c, { key, publicUrl: deps.config.publicUrl, binding }, form.csrf_token)) {
      return sendPage(c, 403, (nonce) =>
        renderInfoPage({
          title: "This form has expired",
          message: "Open the link from your email again to confirm your new address.",
          nonce,
        }),
      );
    }
    const result = await confirmEmailChange(deps.orm.em.fork(), mailDeps, token, new Date());
    if (!result.ok) return problem(c, result.problem);
    return sendPage(c, 200, (nonce) =>
      renderInfoPage({
        title: "Your email address was changed",
        message: `Your account's address is now ${result.newEmail}. Sign in with it from now on.`,
        nonce,
        action: { label: "Go to your profile", href: PROFILE_PATH },
      }),
    );
  });
}
