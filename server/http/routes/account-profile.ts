import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MAX_PASSWORD_LENGTH } from "../../crypto/password.ts";
import { createRateLimiter } from "../../db/rate-limit.ts";
import type { ResolvedSession } from "../../services/sessions/resolve-session.ts";
import { MAX_AVATAR_URL_LENGTH, MAX_DISPLAY_NAME_LENGTH } from "../../services/users/profile-rules.ts";
import { requestEmailChange } from "../../services/users/request-email-change.ts";
import { setSignInAlerts } from "../../services/users/sign-in-alerts.ts";
import { updateProfile } from "../../services/users/update-profile.ts";
import { PROFILE_PATH } from "../account-paths.ts";
import {
  accountFormExpired,
  accountFormPost,
  accountSession,
  limitProblem,
  passwordCheckLimiter,
} from "../account-session.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { type AccountForm, renderAccountPage } from "../pages/account-page.ts";

const EMAIL_PATH = "/account/email";
const SIGN_IN_ALERTS_PATH = "/account/sign-in-alerts";

type ProfileView = {
  /** What the profile form shows (the submitted values after a refusal). */
  readonly displayName?: string;
  readonly avatarUrl?: string;
  readonly newEmail?: string;
  readonly profileError?: { readonly field: string; readonly message: string };
  readonly emailError?: { readonly field: string; readonly message: string };
  readonly notice?: string;
};

/**
 * `GET /account` (to the profile), `GET/POST /account/profile` (display name and avatar URL; `user.updated` when
 * something changed) and `POST /account/email` (mails a confirmation link to the new address, after the current
 * password; the address changes once the link is used, see account-email-confirm.ts), and `POST /account/sign-in-alerts`
 * (on or off: an email at each new sign-in).
 */
export function registerAccountProfileRoutes(router: Hono, deps: HttpDeps): void {
  const mailDeps = { mailer: deps.mailer, logger: deps.logger, publicUrl: deps.config.publicUrl };
  // Each request mails someone: at most 5 an hour per account, and the current password is checked with the rest.
  const emailLimiter = createRateLimiter(deps.orm.em, { name: "email-change", limit: 5, windowMs: 60 * 60_000 });
  const passwordLimiter = passwordCheckLimiter(deps, "account-password-check");

  function page(
    c: Context,
    status: ContentfulStatusCode,
    session: ResolvedSession,
    csrfToken: string,
    view: ProfileView,
    headers: Record<string, string> = {},
  ) {
    const { user } = session;
    const profileForm: AccountForm = {
      action: PROFILE_PATH,
      submitLabel: "Save profile",
      fields: [
        {
          name: "display_name",
          label: "Display name",
          type: "text",
          autocomplete: "name",
          maxLength: MAX_DISPLAY_NAME_LENGTH,
          value: view.displayName ?? user.displayName,
        },
        {
          name: "avatar_url",
          label: "Avatar URL",
          type: "url",
          autocomplete: "photo",
          maxLength: MAX_AVATAR_URL_LENGTH,
          value: view.avatarUrl ?? user.avatarUrl ?? "",
          hint: "An https:// address of an image. Apps you authorize see it as your picture.",
          optional: true,
        },
      ],
      ...(view.profileError && { error: view.profileError.message, errorField: view.profileError.field }),
    };
    const emailForm: AccountForm = {
      action: EMAIL_PATH,
      submitLabel: "Send confirmation link",
      fields: [
        {
          name: "email",
          label: "New email address",
          type: "email",
          autocomplete: "email",
          maxLength: 320,
          value: view.newEmail ?? "",
        },
        {
          name: "current_password",
          label: "Current password",
          type: "password",
          autocomplete: "current-password",
          maxLength: MAX_PASSWORD_LENGTH,
        },
      ],
      ...(view.emailError && { error: view.emailError.message, errorField: view.emailError.field }),
    };
    return sendPage(
      c,
      status,
      (nonce) =>
        renderAccountPage({
          title: "Your profile",
          intro: "How you appear to the apps you sign in to.",
          active: "profile",
          user,
          ...(view.notice && { notice: view.notice }),
          csrfToken,
          nonce,
          sections: [
            { id: "profile", heading: "Profile", form: profileForm },
            {
              id: "sign-in-alerts",
              heading: "Sign-in alerts",
              intro: user.notifySignIns
                ? `On: we email ${user.email} each time your account is signed in to, with the device and address.`
                : "Off. Turn them on to get an email each time your account is signed in to, with the device and address.",
              form: {
                action: SIGN_IN_ALERTS_PATH,
                submitLabel: user.notifySignIns ? "Turn sign-in alerts off" : "Turn sign-in alerts on",
                fields: [],
                hidden: { alerts: user.notifySignIns ? "off" : "on" },
              },
            },
            {
              id: "email",
              heading: "Email address",
              intro: `Your address is ${user.email}${user.emailVerified ? "" : " (not verified)"}. We send a link to the new address; it becomes yours once you open it.`,
              form: emailForm,
            },
          ],
        }),
      { headers },
    );
  }

  router.get("/account", (c) => c.redirect(PROFILE_PATH, 302));

  router.get(PROFILE_PATH, async (c) => {
    const account = await accountSession(c, deps, PROFILE_PATH, new Date());
    if (!account.ok) return account.response;
    const notice = c.req.query("saved") === "1" ? "Your profile was saved." : undefined;
    return page(c, 200, account.session, account.csrfToken, { ...(notice && { notice }) });
  });

  router.post(PROFILE_PATH, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, PROFILE_PATH, now);
    if (!account.ok) return account.response;
    const { form } = account;
    const displayName = form.display_name ?? "";
    const avatarUrl = form.avatar_url ?? "";
    const result = await updateProfile(
      deps.orm.em.fork(),
      { userId: account.session.user.id, displayName, avatarUrl },
      now,
    );
    if (!result.ok) {
      const field = result.field === "displayName" ? "display_name" : "avatar_url";
      return page(c, 400, account.session, account.csrfToken, {
        displayName,
        avatarUrl,
        profileError: { field, message: result.message },
      });
    }
    return c.redirect(`${PROFILE_PATH}?saved=1`, 303);
  });

  router.post(SIGN_IN_ALERTS_PATH, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, PROFILE_PATH, now);
    if (!account.ok) return account.response;
    const { form } = account;
    if (form.alerts !== "on" && form.alerts !== "off") return accountFormExpired(c);
    await setSignInAlerts(deps.orm.em.fork(), account.session.user.id, form.alerts === "on", now);
    return c.redirect(`${PROFILE_PATH}?saved=1`, 303);
  });

  router.post(EMAIL_PATH, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, PROFILE_PATH, now);
    if (!account.ok) return account.response;
    const { session, csrfToken, form } = account;
    const newEmail = (form.email ?? "").trim().slice(0, 320);
    const limited =
      (await limitProblem(emailLimiter, `user:${session.user.id}`, now)) ??
      (await limitProblem(passwordLimiter, `user:${session.user.id}`, now));
    if (limited) {
      const emailError = { field: "email", message: limited.message };
      return page(c, limited.status, session, csrfToken, { newEmail, emailError }, limited.headers);
    }
    const result = await requestEmailChange(
      deps.orm.em.fork(),
      mailDeps,
      { userId: session.user.id, newEmail, currentPassword: form.current_password ?? "" },
      now,
    );
    if (!result.ok) {
      const field = result.field === "currentPassword" ? "current_password" : "email";
      return page(c, 400, session, csrfToken, { newEmail, emailError: { field, message: result.message } });
    }
    return page(c, 200, session, csrfToken, {
      notice: `We sent a link to ${result.newEmail}. Open it to make it your address; until then nothing changes.`,
    });
  });
}
