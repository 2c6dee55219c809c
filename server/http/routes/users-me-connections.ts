import type { Hono } from "hono";
import { listLinkedAccounts } from "../../services/users/list-linked-accounts.ts";
import { authenticateBearer } from "../bearer-auth.ts";
import type { HttpDeps } from "../deps.ts";
import { sendJson } from "../send-json.ts";

/**
 * `GET /api/v1/users/@me/connections` (`connections`): the accounts the user linked by signing in through an
 * upstream provider, in Discord's connection shape (`id` and `name` at the provider, `type` its kind). Nothing for a
 * token without a user.
 */
export function registerUsersMeConnectionsRoute(router: Hono, deps: HttpDeps): void {
  router.get("/api/v1/users/@me/connections", async (c) => {
    const auth = await authenticateBearer(c, deps, "connections");
    if (!auth.ok) return auth.response;
    const { userId } = auth.token;
    const accounts = userId ? await listLinkedAccounts(deps.orm.em.fork(), userId) : [];
    return sendJson(
      c,
      accounts.map((account) => ({
        id: account.subject,
        name: account.displayName ?? account.subject,
        type: account.kind,
        verified: true,
        revoked: false,
        visibility: 0,
        linked_at: account.linkedAt.toISOString(),
      })),
      200,
      { "Cache-Control": "no-store" },
    );
  });
}
