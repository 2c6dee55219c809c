import type { Context, Hono } from "hono";
import { extractClientCredentials } from "../../oauth/client-authentication.ts";
import { InvalidRequestError, OAuthError } from "../../oauth/errors.ts";
import { readSingleParams } from "../../oauth/form-params.ts";
import { authenticateClient } from "../../services/oauth/authenticate-client.ts";
import { revokeToken } from "../../services/oauth/revoke-token.ts";
import type { HttpDeps } from "../deps.ts";
import { oauthErrorResponse } from "../oauth-error-response.ts";
import { readForm } from "../read-form.ts";

export const REVOCATION_PATHS = ["/oauth2/revoke", "/api/v1/oauth2/token/revoke"] as const;

/** Token revocation (RFC 7009 §2): 200 with an empty body whether or not the token was known. */
export function registerRevokeRoute(router: Hono, deps: HttpDeps): void {
  async function handle(c: Context): Promise<Response> {
    const now = new Date();
    try {
      const body = await readForm(c);
      const { token } = readSingleParams(body, ["token", "token_type_hint"]);
      const client = await authenticateClient(
        deps.runtime,
        extractClientCredentials(c.req.header("authorization"), body),
        now,
      );
      if (!token) throw new InvalidRequestError('"token" parameter is required');
      await revokeToken(deps.orm.em.fork(), deps.runtime, { client, token }, now);
      return c.body(null, 200, { "Cache-Control": "no-store" });
    } catch (error) {
      if (error instanceof OAuthError) return oauthErrorResponse(c, error);
      throw error;
    }
  }
  for (const path of REVOCATION_PATHS) router.post(path, handle);
}
