import type { Hono } from "hono";
import { NotFoundError } from "../../services/errors.ts";
import { listUserConnections } from "../../services/grants/list-user-connections.ts";
import { revokeGrant } from "../../services/grants/revoke-grant.ts";
import { checkCsrf, issueCsrfToken } from "../csrf.ts";
import { currentSession } from "../current-session.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderConnectionsPage } from "../pages/connections-page.ts";
import { renderErrorPage } from "../pages/error-page.ts";

const CONNECTIONS_PATH = "/account/connections";

/** The signed-in user's authorized apps, each with a Disconnect button that revokes the grant and its tokens. */
export function registerAccountConnectionsRoutes(router: Hono, deps: HttpDeps): void {
  router.get(CONNECTIONS_PATH, async (c) => {
    const now = new Date();
    const session = await currentSession(c, deps, now);
    if (!session) return c.redirect(`/login?return_to=${encodeURIComponent(CONNECTIONS_PATH)}`, 302);
    const connections = await listUserConnections(deps.orm.em.fork(), session.user.id);
    const csrfToken = issueCsrfToken(deps.runtime.csrfKey, { sessionId: session.sessionId });
    return sendPage(c, 200, (nonce) =>
      renderConnectionsPage({
        user: session.user,
        connections,
        csrfToken,
        nonce,
      }),
    );
  });

  router.post(`${CONNECTIONS_PATH}/:grantId/disconnect`, async (c) => {
    const now = new Date();
    const session = await currentSession(c, deps, now);
    if (!session) return c.redirect(`/login?return_to=${encodeURIComponent(CONNECTIONS_PATH)}`, 303);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const csrf = typeof form.csrf_token === "string" ? form.csrf_token : undefined;
    if (
      !checkCsrf(
        c,
        { key: deps.runtime.csrfKey, publicUrl: deps.config.publicUrl, binding: { sessionId: session.sessionId } },
        csrf,
      )
    ) {
      return sendPage(c, 403, (nonce) =>
        renderErrorPage({
          title: "Request blocked",
          message: "This form was not sent from Latch.",
          nonce,
          status: 403,
        }),
      );
    }
    try {
      await revokeGrant(
        deps.orm.em,
        {
          grantId: c.req.param("grantId"),
          scope: { userId: session.user.id },
          reason: "user_disconnected",
          actor: { type: "user", id: session.user.id },
        },
        now,
      );
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return sendPage(c, 404, (nonce) =>
        renderErrorPage({ title: "Not found", message: "That connection does not exist.", nonce, status: 404 }),
      );
    }
    return c.redirect(CONNECTIONS_PATH, 303);
  });
}
