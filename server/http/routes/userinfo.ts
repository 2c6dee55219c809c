import type { Context, Hono } from "hono";
import { emailClaims } from "../../oauth/email-claims.ts";
import { expandScopes } from "../../oauth/scopes.ts";
import { readUserProfile } from "../../services/users/read-user-profile.ts";
import { authenticateBearer } from "../bearer-auth.ts";
import type { HttpDeps } from "../deps.ts";
import { jsonError } from "../json-error.ts";
import { sendJson } from "../send-json.ts";

/** OpenID Connect UserInfo (OIDC Core §5.3): `sub` always, `profile` and `email` claims by scope. */
export function registerUserinfoRoute(router: Hono, deps: HttpDeps): void {
  async function handle(c: Context): Promise<Response> {
    const auth = await authenticateBearer(c, deps, "openid");
    if (!auth.ok) return auth.response;
    if (!auth.token.userId) return jsonError(c, 403, "insufficient_scope", "this token does not represent a user");
    // The token was resolved with its user (one statement); a caller that did not do so is looked up.
    const user =
      auth.token.user !== undefined ? auth.token.user : await readUserProfile(deps.orm.em.fork(), auth.token.userId);
    if (!user) return jsonError(c, 401, "invalid_token", "the user of this token no longer exists");
    const scopes = expandScopes(auth.token.scopes);
    return sendJson(
      c,
      {
        sub: user.id,
        ...(scopes.includes("profile")
          ? { name: user.displayName, preferred_username: user.displayName, picture: user.avatarUrl ?? undefined }
          : {}),
        ...emailClaims(user, scopes),
      },
      200,
      { "Cache-Control": "no-store" },
    );
  }
  router.get("/oauth2/userinfo", handle);
  router.post("/oauth2/userinfo", handle);
}
