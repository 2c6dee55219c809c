import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MAX_PASSWORD_LENGTH } from "../../crypto/password.ts";
import { confirmTotp } from "../../services/mfa/confirm-totp.ts";
import { enrolTotp } from "../../services/mfa/enrol-totp.ts";
import { regenerateRecoveryCodes } from "../../services/mfa/regenerate-recovery-codes.ts";
import { removeTotp } from "../../services/mfa/remove-totp.ts";
import { totpStatus } from "../../services/mfa/totp-status.ts";
import { listPasskeys } from "../../services/passkeys/list-passkeys.ts";
import { passkeyRegistrationOptions } from "../../services/passkeys/register-passkey.ts";
import { relyingPartyFor } from "../../services/passkeys/relying-party.ts";
import type { ResolvedSession } from "../../services/sessions/resolve-session.ts";
import { registerAccountPasskeyRoutes } from "../account-passkey-forms.ts";
import { accountFormPost, accountSession, limitProblem, passwordCheckLimiter } from "../account-session.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { type AccountSection, renderAccountPage } from "../pages/account-page.ts";
import { html } from "../pages/html.ts";
import { renderPasskeysContent } from "../pages/passkey-account-parts.ts";
import { PASSKEY_SCRIPTS } from "../pages/passkey-parts.ts";
import { renderRecoveryCodes, renderTotpEnrolment } from "../pages/totp-parts.ts";
import { TOTP_ISSUER } from "../second-factor-step.ts";

const SECURITY_PATH = "/account/security";
const ENROL_PATH = "/account/security/totp";
const CONFIRM_PATH = "/account/security/totp/confirm";
const REMOVE_PATH = "/account/security/totp/remove";
const RECOVERY_CODES_PATH = "/account/security/recovery-codes";

const DATE = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

export type SecurityView = {
  readonly notice?: string;
  /** A refused passkey registration or removal. */
  readonly passkeyError?: { readonly form: "register" | "remove"; readonly message: string };
  readonly error?: { readonly field: string; readonly message: string };
  /** Which form `error` belongs to (the removal's by default). */
  readonly errorForm?: "recovery";
  /** Just confirmed: the recovery codes, shown this once. */
  readonly recoveryCodes?: readonly string[];
};

/**
 * `/account/security`: an authenticator app (TOTP) as a second sign-in factor. Set up (QR code and key), confirm with
 * a first code (10 recovery codes shown once), remove after the current password. Every POST answers the page.
 */
export function registerAccountSecurityRoutes(router: Hono, deps: HttpDeps): void {
  const confirmLimiter = passwordCheckLimiter(deps, "account-totp-confirm");
  const removeLimiter = passwordCheckLimiter(deps, "account-totp-remove");
  const recoveryLimiter = passwordCheckLimiter(deps, "account-recovery-codes");

  async function page(
    c: Context,
    status: ContentfulStatusCode,
    session: ResolvedSession,
    csrfToken: string,
    view: SecurityView,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const totp = await totpStatus(deps.orm.em.fork(), deps.keyring, session.user.id, TOTP_ISSUER);
    const error = view.error && { error: view.error.message, errorField: view.error.field };
    const sections: AccountSection[] = [];
    let section: AccountSection;
    if (view.recoveryCodes) {
      section = { id: "totp", heading: "Recovery codes", content: renderRecoveryCodes(view.recoveryCodes) };
    } else if (totp.state === "off") {
      section = {
        id: "totp",
        heading: "Authenticator app",
        intro: "Sign in with a code from an app such as 1Password, Google Authenticator or Authy, after your password.",
        form: { action: ENROL_PATH, submitLabel: "Set up authenticator app", fields: [], ...error },
      };
    } else if (totp.state === "pending") {
      section = {
        id: "totp",
        heading: "Scan this code with your authenticator app",
        intro: "Then enter the 6-digit code the app shows to turn two-step verification on.",
        content: await renderTotpEnrolment(totp.keyUri, totp.secret),
        form: {
          action: CONFIRM_PATH,
          submitLabel: "Turn on",
          fields: [
            { name: "code", label: "Code from the app", type: "text", autocomplete: "one-time-code", maxLength: 32 },
          ],
          ...(view.errorForm === undefined && error),
        },
      };
    } else {
      const left = totp.recoveryCodesLeft;
      sections.push({
        id: "recovery",
        heading: "Recovery codes",
        intro: "New codes replace every code you have now.",
        form: {
          action: RECOVERY_CODES_PATH,
          submitLabel: "Get new recovery codes",
          fields: [
            {
              name: "current_password",
              label: "Current password",
              type: "password",
              autocomplete: "current-password",
              maxLength: MAX_PASSWORD_LENGTH,
            },
          ],
          ...(view.errorForm === "recovery" && error),
        },
      });
      section = {
        id: "totp",
        heading: "Authenticator app",
        content: html`<p>On since ${DATE.format(totp.confirmedAt)}. <span class="muted">${left} recovery ${left === 1 ? "code" : "codes"} left.</span></p>`,
        form: {
          action: REMOVE_PATH,
          submitLabel: "Remove authenticator app",
          danger: true,
          fields: [
            {
              name: "current_password",
              label: "Current password",
              type: "password",
              autocomplete: "current-password",
              maxLength: MAX_PASSWORD_LENGTH,
            },
          ],
          ...error,
        },
      };
    }
    const em = deps.orm.em.fork();
    const rp = relyingPartyFor(deps.config.publicUrl);
    const passkeyInput = { userId: session.user.id, sessionId: session.sessionId };
    const options = await passkeyRegistrationOptions(em, deps.keyring, rp, passkeyInput, new Date());
    sections.push({
      id: "passkeys",
      heading: "Passkeys",
      intro:
        "Sign in with your fingerprint, face or screen lock instead of a password, or use a passkey as your second step.",
      content: renderPasskeysContent({
        passkeys: await listPasskeys(em, session.user.id),
        registrationOptions: JSON.stringify(options),
        csrfToken,
        ...(view.passkeyError && { error: view.passkeyError }),
      }),
    });
    return sendPage(
      c,
      status,
      (nonce) =>
        renderAccountPage({
          title: "Two-step verification",
          intro: "A second step after your password keeps your account safe if the password leaks.",
          active: "security",
          user: session.user,
          ...(view.notice && { notice: view.notice }),
          csrfToken,
          nonce,
          sections: [section, ...sections],
          scripts: PASSKEY_SCRIPTS,
        }),
      { headers, script: true },
    );
  }

  registerAccountPasskeyRoutes(router, deps, page);

  router.get(SECURITY_PATH, async (c) => {
    const account = await accountSession(c, deps, SECURITY_PATH, new Date());
    if (!account.ok) return account.response;
    return page(c, 200, account.session, account.csrfToken, {});
  });

  router.post(ENROL_PATH, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, SECURITY_PATH, now);
    if (!account.ok) return account.response;
    const result = await enrolTotp(deps.orm.em, deps.keyring, account.session.user.id, now);
    const view: SecurityView = result.ok ? {} : { notice: "Your authenticator app is already set up." };
    return page(c, result.ok ? 200 : 409, account.session, account.csrfToken, view);
  });

  router.post(CONFIRM_PATH, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, SECURITY_PATH, now, 64);
    if (!account.ok) return account.response;
    const { session, csrfToken, form } = account;
    const limited = await limitProblem(confirmLimiter, `user:${session.user.id}`, now);
    if (limited) {
      const error = { field: "code", message: limited.message };
      return page(c, limited.status, session, csrfToken, { error }, limited.headers);
    }
    const result = await confirmTotp(
      deps.orm.em,
      deps.keyring,
      { userId: session.user.id, code: form.code ?? "" },
      now,
    );
    if (!result.ok) {
      if (result.reason === "not_enrolling") return page(c, 409, session, csrfToken, {});
      const message = "That code didn't work. Enter the current code the app shows for this account.";
      return page(c, 400, session, csrfToken, { error: { field: "code", message } });
    }
    const notice = "Two-step verification is on. You'll be asked for a code from your app when you sign in.";
    return page(c, 200, session, csrfToken, { notice, recoveryCodes: result.recoveryCodes });
  });

  router.post(RECOVERY_CODES_PATH, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, SECURITY_PATH, now, MAX_PASSWORD_LENGTH + 1);
    if (!account.ok) return account.response;
    const { session, csrfToken, form } = account;
    const limited = await limitProblem(recoveryLimiter, `user:${session.user.id}`, now);
    if (limited) {
      const error = { field: "current_password", message: limited.message };
      return page(c, limited.status, session, csrfToken, { error, errorForm: "recovery" }, limited.headers);
    }
    const result = await regenerateRecoveryCodes(
      deps.orm.em.fork(),
      { userId: session.user.id, currentPassword: form.current_password ?? "" },
      now,
    );
    if (!result.ok) {
      const error = { field: "current_password", message: result.message };
      return page(c, result.field === "currentPassword" ? 400 : 409, session, csrfToken, {
        error,
        errorForm: "recovery",
      });
    }
    const notice = "Your new recovery codes are below. The previous ones no longer work.";
    return page(c, 200, session, csrfToken, { notice, recoveryCodes: result.recoveryCodes });
  });

  router.post(REMOVE_PATH, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, SECURITY_PATH, now, MAX_PASSWORD_LENGTH + 1);
    if (!account.ok) return account.response;
    const { session, csrfToken, form } = account;
    const limited = await limitProblem(removeLimiter, `user:${session.user.id}`, now);
    if (limited) {
      const error = { field: "current_password", message: limited.message };
      return page(c, limited.status, session, csrfToken, { error }, limited.headers);
    }
    const result = await removeTotp(
      deps.orm.em.fork(),
      { userId: session.user.id, currentPassword: form.current_password ?? "" },
      now,
    );
    if (!result.ok) {
      const status = result.field === "currentPassword" ? 400 : 409;
      return page(c, status, session, csrfToken, { error: { field: "current_password", message: result.message } });
    }
    return page(c, 200, session, csrfToken, { notice: "Your authenticator app was removed." });
  });
}
