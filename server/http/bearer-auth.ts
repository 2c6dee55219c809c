import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { bearerChallenge, extractBearerToken, MissingBearerTokenError } from "../oauth/bearer.ts";
import { InsufficientScopeError, InvalidTokenError, OAuthError, toOAuthErrorBody } from "../oauth/errors.ts";
import { expandScopes } from "../oauth/scopes.ts";
import { type ActiveAccessToken, resolveAccessToken } from "../services/oauth/resolve-access-token.ts";
import type { HttpDeps } from "./deps.ts";
import { sendJson } from "./send-json.ts";

export type BearerResult = { ok: true; token: ActiveAccessToken } | { ok: false; response: Response };

function bearerError(c: Context, error: OAuthError, scope?: string): Response {
  return sendJson(c, toOAuthErrorBody(error), error.status as ContentfulStatusCode, {
    "WWW-Authenticate": bearerChallenge("latch", error, scope),
    "Cache-Control": "no-store",
  });
}

/**
 * Authenticates a protected-resource request (RFC 6750 §2.1) and checks the token carries `scope`. Failures carry
 * the WWW-Authenticate challenge of §3: 401 invalid_token, 403 insufficient_scope, 400 invalid_request.
 */
export async function authenticateBearer(c: Context, deps: HttpDeps, scope?: string): Promise<BearerResult> {
  try {
    const header = c.req.header("authorization");
    // RFC 6750 §3.1: no token at all, or another scheme, "lacks any authentication information": 401, no error code.
    if (!/^bearer\s+\S/i.test(header ?? "")) throw new MissingBearerTokenError();
    const presented = extractBearerToken(header);
    const token = await resolveAccessToken(deps.runtime, presented, new Date());
    if (!token) throw new InvalidTokenError("the access token is invalid, expired or revoked");
    if (scope && !expandScopes(token.scopes).includes(scope)) {
      return {
        ok: false,
        response: bearerError(c, new InsufficientScopeError(`this endpoint needs the "${scope}" scope`), scope),
      };
    }
    return { ok: true, token };
  } catch (error) {
    if (error instanceof OAuthError) return { ok: false, response: bearerError(c, error) };
    throw error;
  }
}
