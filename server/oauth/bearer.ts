import { quoteEscape } from "./client-authentication.ts";
import { InvalidRequestError, InvalidTokenError, type OAuthError, toErrorDescription } from "./errors.ts";

// credentials = "Bearer" 1*SP b64token (RFC 6750 §2.1); the scheme name is case-insensitive (RFC 9110 §11.1).
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * A request that carried no token at all. RFC 6750 §3.1: such a request "SHOULD NOT include an error code", so
 * {@link bearerChallenge} leaves `error` out for it while the response stays a 401.
 */
export class MissingBearerTokenError extends InvalidTokenError {
  constructor() {
    super("missing bearer token");
  }
}

/**
 * The access token of an `Authorization: Bearer` header (RFC 6750 §2.1).
 *
 * @throws {MissingBearerTokenError} (an InvalidTokenError) when there is no header.
 * @throws {InvalidRequestError} when the header is not `Bearer <b64token>`.
 */
export function extractBearerToken(authorization: string | undefined): string {
  if (!authorization) throw new MissingBearerTokenError();
  const match = BEARER.exec(authorization);
  if (!match) throw new InvalidRequestError("the Authorization header must be Bearer followed by an access token");
  return match[1]!;
}

/**
 * The `WWW-Authenticate` value of a protected resource's error response (RFC 6750 §3): the realm, then the error
 * and its description unless the request carried no token (§3.1), then `scope` (for insufficient_scope).
 */
export function bearerChallenge(realm: string, error?: OAuthError, scope?: string): string {
  const params = [`realm="${quoteEscape(realm)}"`];
  if (error && !(error instanceof MissingBearerTokenError)) {
    params.push(`error="${error.code}"`, `error_description="${quoteEscape(toErrorDescription(error.description))}"`);
  }
  if (scope !== undefined) params.push(`scope="${quoteEscape(scope)}"`);
  return `Bearer ${params.join(", ")}`;
}
