import type { Hono } from "hono";
import { listUserWorkspaces } from "../../services/users/read-user-profile.ts";
import { authenticateBearer } from "../bearer-auth.ts";
import type { HttpDeps } from "../deps.ts";
import { sendJson } from "../send-json.ts";

/** `GET /api/v1/users/@me/guilds` (`guilds`): the workspaces the grant covers, and only while the user is a member. */
export function registerUsersMeGuildsRoute(router: Hono, deps: HttpDeps): void {
  router.get("/api/v1/users/@me/guilds", async (c) => {
    const auth = await authenticateBearer(c, deps, "guilds");
    if (!auth.ok) return auth.response;
    const { userId, grantOrganizationId } = auth.token;
    const workspaces = userId ? await listUserWorkspaces(deps.orm.em.fork(), userId) : [];
    const covered = workspaces.filter((w) => w.id === grantOrganizationId);
    return sendJson(
      c,
      covered.map((w) => ({ id: w.id, name: w.name, slug: w.slug, owner: w.role === "owner", role: w.role })),
      200,
      { "Cache-Control": "no-store" },
    );
  });
}
