import type { Hono } from "hono";
import { endOtherSessions } from "../../services/sessions/end-other-sessions.ts";
import { endUserSession } from "../../services/sessions/end-user-session.ts";
import { listSessions } from "../../services/sessions/list-sessions.ts";
import { accountFormPost, accountSession } from "../account-session.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderAccountSessionsPage } from "../pages/account-sessions-page.ts";
import { renderInfoPage } from "../pages/info-page.ts";
import { clearSessionCookie } from "../session-cookie.ts";

const SESSIONS_PATH = "/account/sessions";

/** Notices after a redirect, by the `done` query parameter (fixed sentences: nothing from the URL is shown). */
const NOTICES: Record<string, string> = {
  ended: "That session was signed out.",
  others: "Your other sessions were signed out.",
  none: "That session had already ended.",
};

/**
 * `GET /account/sessions` (the user's live sessions: device from the user agent, address, last seen, this one
 * marked), `POST /account/sessions/:id/end` (one other session), `POST /account/sessions/end-others` and
 * `POST /account/sessions/end-all` (sign out everywhere: this browser too, then the signed-out page).
 */
export function registerAccountSessionsRoutes(router: Hono, deps: HttpDeps): void {
  const https = deps.config.secureCookies;

  router.get(SESSIONS_PATH, async (c) => {
    const now = new Date();
    const account = await accountSession(c, deps, SESSIONS_PATH, now);
    if (!account.ok) return account.response;
    const { session, csrfToken } = account;
    const sessions = await listSessions(
      deps.orm.em.fork(),
      { userId: session.user.id, currentSessionId: session.sessionId },
      now,
      deps.config.sessionPolicy,
    );
    const notice = NOTICES[c.req.query("done") ?? ""];
    return sendPage(c, 200, (nonce) =>
      renderAccountSessionsPage({ user: session.user, sessions, ...(notice && { notice }), csrfToken, nonce }),
    );
  });

  router.post(`${SESSIONS_PATH}/end-others`, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, SESSIONS_PATH, now);
    if (!account.ok) return account.response;
    const { session } = account;
    await endOtherSessions(deps.orm.em, { userId: session.user.id, keepSessionId: session.sessionId }, now);
    return c.redirect(`${SESSIONS_PATH}?done=others`, 303);
  });

  router.post(`${SESSIONS_PATH}/end-all`, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, SESSIONS_PATH, now);
    if (!account.ok) return account.response;
    await endOtherSessions(deps.orm.em, { userId: account.session.user.id, keepSessionId: null }, now);
    clearSessionCookie(c, https);
    return sendPage(c, 200, (nonce) =>
      renderInfoPage({
        title: "You're signed out everywhere",
        message: "Every session of your account ended, this one included. Sign in again to continue.",
        nonce,
        action: { label: "Sign in", href: "/login" },
      }),
    );
  });

  router.post(`${SESSIONS_PATH}/:sessionId/end`, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, SESSIONS_PATH, now);
    if (!account.ok) return account.response;
    const { session } = account;
    const sessionId = c.req.param("sessionId");
    // This browser's own session ends through sign out, which clears the cookie too.
    if (sessionId === session.sessionId) return c.redirect("/logout", 303);
    const ended = await endUserSession(deps.orm.em, { userId: session.user.id, sessionId }, now);
    return c.redirect(`${SESSIONS_PATH}?done=${ended ? "ended" : "none"}`, 303);
  });
}
