import type { Hono } from "hono";
import { disconnectOwnConnection } from "../../services/connections/disconnect-own-connection.ts";
import { listOwnConnections } from "../../services/connections/list-own-connections.ts";
import { NotFoundError } from "../../services/errors.ts";
import { accountFormPost, accountSession } from "../account-session.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderAccountIntegrationsPage } from "../pages/account-integrations-page.ts";
import { renderErrorPage } from "../pages/error-page.ts";

const INTEGRATIONS_PATH = "/account/integrations";

/** Notices after a redirect, by the `done` query parameter (fixed sentences: nothing from the URL is shown). */
const NOTICES: Record<string, string> = { disconnected: "That service was disconnected." };

/**
 * `GET /account/integrations` (the user's integration connections: status, Reconnect, Disconnect) and
 * `POST /account/integrations/:connectionId/disconnect`.
 */
export function registerAccountIntegrationsRoutes(router: Hono, deps: HttpDeps): void {
  router.get(INTEGRATIONS_PATH, async (c) => {
    const now = new Date();
    const account = await accountSession(c, deps, INTEGRATIONS_PATH, now);
    if (!account.ok) return account.response;
    const { session, csrfToken } = account;
    const connections = await listOwnConnections(deps.orm.em.fork(), session.user.id);
    const notice = NOTICES[c.req.query("done") ?? ""];
    return sendPage(c, 200, (nonce) =>
      renderAccountIntegrationsPage({ user: session.user, connections, ...(notice && { notice }), csrfToken, nonce }),
    );
  });

  router.post(`${INTEGRATIONS_PATH}/:connectionId/disconnect`, async (c) => {
    const now = new Date();
    const account = await accountFormPost(c, deps, INTEGRATIONS_PATH, now);
    if (!account.ok) return account.response;
    try {
      await disconnectOwnConnection(
        deps.orm.em,
        deps.keyring,
        { allowPrivate: deps.config.allowPrivateWebhooks },
        { connectionId: c.req.param("connectionId"), userId: account.session.user.id },
        now,
        { logger: deps.logger },
      );
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return sendPage(c, 404, (nonce) =>
        renderErrorPage({ title: "Not found", message: "That connection does not exist.", nonce, status: 404 }),
      );
    }
    return c.redirect(`${INTEGRATIONS_PATH}?done=disconnected`, 303);
  });
}
