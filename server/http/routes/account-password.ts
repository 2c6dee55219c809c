import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MAX_PASSWORD_LENGTH } from "../../crypto/password.ts";
import type { ResolvedSession } from "../../services/sessions/resolve-session.ts";
import { changePassword } from "../../services/users/change-password.ts";
import { MIN_PASSWORD_LENGTH } from "../../services/users/password-policy.ts";
import { accountFormPost, accountSession, limitProblem, passwordCheckLimiter } from "../account-session.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderAccountPage } from "../pages/account-page.ts";

const PASSWORD_PATH = "/account/password";

/**
 * `GET/POST /account/password`: a new password after the current one (NIST SP 800-63B policy); every other session
 * ends, this one stays signed in, and `user.password_changed` is recorded.
 */
export function registerAccountPasswordRoutes(router: Hono, deps: HttpDeps): void {
  const limiter = passwordCheckLimiter(deps, "account-password-check");

  function page(
    c: Context,
    status: ContentfulStatusCode,
    session: ResolvedSession,
    csrfToken: string,
    view: { error?: { field: string; message: string }; notice?: string },
    headers: Record<string, string> = {},
  ) {
    return sendPage(
      c,
      status,
      (nonce) =>
        renderAccountPage({
          title: "Password",
          intro: "Change the password you sign in with.",
          active: "password",
          user: session.user,
          ...(view.notice && { notice: view.notice }),
          csrfToken,
          nonce,
          sections: [
            {
              id: "password",
              heading: "Change password",
              intro: "Changing it signs you out everywhere else; this browser stays signed in.",
              form: {
                action: PASSWORD_PATH,
                submitLabel: "Change password",
                fields: [
                  {
                    name: "current_password",
                    label: "Current password",
                    type: "password",
                    autocomplete: "current-password",
                    maxLength: MAX_PASSWORD_LENGTH,
                  },
                  {
                    name: "new_password",
                    label: "New password",
                    type: "password",
                    autocomplete: "new-password",
                    maxLength: MAX_PASSWORD_LENGTH,
                    hint: `At least ${MIN_PASSWORD_LENGTH} characters. Avoid common passwords; a few unrelated words work well.`,
                  },
                ],
                ...(view.error && { error: view.error.message, errorField: view.error.field }),
              },
            },
          ],
        }),
      { headers },
    );
  }

  router.get(PASSWORD_PATH, async (c) => {
    const account = await accountSession(c, deps, PASSWORD_PATH, new Date());
    if (!account.ok) return account.response;
    return page(c, 200, account.session, account.csrfToken, {});
  });

  router.post(PASSWORD_PATH, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, PASSWORD_PATH, now, MAX_PASSWORD_LENGTH + 1);
    if (!account.ok) return account.response;
    const { session, csrfToken, form } = account;
    const limited = await limitProblem(limiter, `user:${session.user.id}`, now);
    if (limited) {
      const error = { field: "current_password", message: limited.message };
      return page(c, limited.status, session, csrfToken, { error }, limited.headers);
    }
    const result = await changePassword(
      deps.orm.em.fork(),
      {
        userId: session.user.id,
        currentPassword: form.current_password ?? "",
        newPassword: form.new_password ?? "",
        keepSessionId: session.sessionId,
      },
      now,
    );
    if (!result.ok) {
      const field = result.field === "currentPassword" ? "current_password" : "new_password";
      return page(c, 400, session, csrfToken, { error: { field, message: result.message } });
    }
    const ended = result.endedSessions;
    const others =
      ended === 0
        ? "No other session was open."
        : `${ended} other ${ended === 1 ? "session was" : "sessions were"} signed out.`;
    return page(c, 200, session, csrfToken, { notice: `Your password was changed. ${others}` });
  });
}
