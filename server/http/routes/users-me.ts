import type { Hono } from "hono";
import { expandScopes } from "../../oauth/scopes.ts";
import { readUserProfile } from "../../services/users/read-user-profile.ts";
import { authenticateBearer } from "../bearer-auth.ts";
import type { HttpDeps } from "../deps.ts";
import { jsonError } from "../json-error.ts";
import { sendJson } from "../send-json.ts";

/**
 * `GET /api/v1/users/@me` (`identify`): id, username, avatar and Discord's `discriminator` (`"0"`: usernames are
 * unique, no four-digit tag); `email` adds the address and whether it is verified. `workspace_id` is the workspace the
 * user authorized the grant for (seed 000: access applies only to it), null for a token without a grant's workspace.
 */
export function registerUsersMeRoute(router: Hono, deps: HttpDeps): void {
  router.get("/api/v1/users/@me", async (c) => {
    const auth = await authenticateBearer(c, deps, "identify");
    if (!auth.ok) return auth.response;
    if (!auth.token.userId) return jsonError(c, 403, "insufficient_scope", "this token does not represent a user");
    // The token was resolved with its user (one statement); a caller that did not do so is looked up.
    const user =
      auth.token.user !== undefined ? auth.token.user : await readUserProfile(deps.orm.em.fork(), auth.token.userId);
    if (!user) return jsonError(c, 401, "invalid_token", "the user of this token no longer exists");
    const withEmail = expandScopes(auth.token.scopes).includes("email");
    return sendJson(
      c,
      {
        id: user.id,
        username: user.displayName,
        avatar: user.avatarUrl,
        discriminator: "0",
        workspace_id: auth.token.grantOrganizationId,
        ...(withEmail ? { email: user.email, verified: user.emailVerified } : {}),
      },
      200,
      { "Cache-Control": "no-store" },
    );
  });
}
