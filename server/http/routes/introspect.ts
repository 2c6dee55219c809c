import type { Hono } from "hono";
import { extractClientCredentials } from "../../oauth/client-authentication.ts";
import { InvalidClientError, InvalidRequestError, OAuthError } from "../../oauth/errors.ts";
import { readSingleParams } from "../../oauth/form-params.ts";
import { buildIntrospectionResponse } from "../../oauth/introspection.ts";
import { authenticateClient } from "../../services/oauth/authenticate-client.ts";
import { introspectToken } from "../../services/oauth/introspect-token.ts";
import type { HttpDeps } from "../deps.ts";
import { oauthErrorResponse } from "../oauth-error-response.ts";
import { readForm } from "../read-form.ts";
import { sendJson } from "../send-json.ts";

/** Token introspection (RFC 7662 §2) for confidential clients: their own tokens, or the organization's for a resource server. */
export function registerIntrospectRoute(router: Hono, deps: HttpDeps): void {
  router.post("/oauth2/introspect", async (c) => {
    const now = new Date();
    try {
      const body = await readForm(c);
      const { token } = readSingleParams(body, ["token", "token_type_hint"]);
      const credentials = extractClientCredentials(c.req.header("authorization"), body);
      if (credentials.method === "none") throw new InvalidClientError("introspection requires client authentication");
      const caller = await authenticateClient(deps.runtime, credentials, now);
      if (!token) throw new InvalidRequestError('"token" parameter is required');
      const result = await introspectToken(deps.runtime, { caller, token, issuer: deps.config.publicUrl }, now);
      return sendJson(c, buildIntrospectionResponse(result), 200, { "Cache-Control": "no-store" });
    } catch (error) {
      if (error instanceof OAuthError) return oauthErrorResponse(c, error);
      throw error;
    }
  });
}
