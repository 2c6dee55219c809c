import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ResolvedSession } from "../../services/sessions/resolve-session.ts";
import { deleteAccount } from "../../services/users/delete-account.ts";
import { accountFormPost, accountSession, limitProblem, passwordCheckLimiter } from "../account-session.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderAccountPage } from "../pages/account-page.ts";
import { renderInfoPage } from "../pages/info-page.ts";
import { clearSessionCookie } from "../session-cookie.ts";

const DELETE_PATH = "/account/delete";

/** "A", "A and B", "A, B and C". */
function listOf(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * `GET/POST /account/delete`: after the user types their email address (or password), every grant is revoked with
 * its tokens, every session ends, integration connections are deleted, `user.deleted` goes to the apps and
 * workspaces that knew the user, and the browser is signed out. Refused, with the workspaces named, while the user
 * is the only owner of one.
 */
export function registerAccountDeleteRoutes(router: Hono, deps: HttpDeps): void {
  const https = deps.config.secureCookies;
  const limiter = passwordCheckLimiter(deps, "account-password-check");
  const deleteDeps = {
    keyring: deps.keyring,
    network: { allowPrivate: deps.config.allowPrivateWebhooks },
    logger: deps.logger,
  };

  function page(
    c: Context,
    status: ContentfulStatusCode,
    session: ResolvedSession,
    csrfToken: string,
    error?: string,
    headers: Record<string, string> = {},
  ) {
    return sendPage(
      c,
      status,
      (nonce) =>
        renderAccountPage({
          title: "Delete your account",
          intro: "This cannot be undone.",
          active: "delete",
          user: session.user,
          csrfToken,
          nonce,
          sections: [
            {
              id: "delete",
              heading: "Delete account",
              intro:
                "Every app you authorized loses access at once, your integration connections are removed, and you are signed out everywhere. Apps you use are told the account was deleted.",
              form: {
                action: DELETE_PATH,
                submitLabel: "Delete my account",
                danger: true,
                fields: [
                  {
                    name: "confirmation",
                    label: "Type your email address to confirm",
                    type: "text",
                    autocomplete: "off",
                    maxLength: 320,
                    hint: `Type ${session.user.email} (or your password).`,
                  },
                ],
                ...(error && { error, errorField: "confirmation" }),
              },
            },
          ],
        }),
      { headers },
    );
  }

  router.get(DELETE_PATH, async (c) => {
    const account = await accountSession(c, deps, DELETE_PATH, new Date());
    if (!account.ok) return account.response;
    return page(c, 200, account.session, account.csrfToken);
  });

  router.post(DELETE_PATH, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, DELETE_PATH, now, 1025);
    if (!account.ok) return account.response;
    const { session, csrfToken, form } = account;
    // The confirmation may be the password: guessing it through this form is limited like the others.
    const limited = await limitProblem(limiter, `user:${session.user.id}`, now);
    if (limited) return page(c, limited.status, session, csrfToken, limited.message, limited.headers);
    const result = await deleteAccount(
      deps.orm.em.fork(),
      deleteDeps,
      { userId: session.user.id, confirmation: form.confirmation ?? "" },
      now,
    );
    if (!result.ok) {
      if (result.problem === "confirmation") return page(c, 400, session, csrfToken, result.message);
      const names = listOf(result.organizations);
      const message = `You are the only owner of ${names}. Make another member an owner, or delete the workspace, first.`;
      return page(c, 409, session, csrfToken, message);
    }
    clearSessionCookie(c, https);
    return sendPage(c, 200, (nonce) =>
      renderInfoPage({
        title: "Your account was deleted",
        message: "Your apps lost access, your sessions ended and you are signed out. Thank you for using Latch.",
        nonce,
        action: { label: "Back to sign in", href: "/login" },
      }),
    );
  });
}
