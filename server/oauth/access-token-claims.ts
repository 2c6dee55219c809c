import { InvalidTokenError } from "./errors.ts";
import { formatScope, parseScopeParam } from "./scopes.ts";

/** The JWT `typ` header of an access token, so it cannot be confused with an ID token (RFC 9068 §2.1, §4). */
export const ACCESS_TOKEN_JWT_TYPE = "at+jwt";

/** Seconds since the epoch, as JWT NumericDate (RFC 7519 §2). */
export function toNumericDate(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

// Claims this module owns: `extra` may not set them, even where the input leaves one out (no scope, no auth_time).
const REGISTERED_CLAIMS = ["iss", "sub", "aud", "client_id", "scope", "jti", "iat", "exp", "nbf", "auth_time"];

/** `claims` without the members named in `reserved`. */
export function withoutClaims(
  claims: Record<string, unknown> | undefined,
  reserved: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims ?? {}).filter(([name]) => !reserved.includes(name)));
}

/**
 * The claims of a JWT access token (RFC 9068 §2.2): iss, sub, aud, client_id, scope, jti, iat, exp and auth_time.
 * `extra` members (such as `grant_id`) may not set any of those.
 */
export function buildAccessTokenClaims(input: {
  issuer: string;
  subject: string;
  audience: string | string[];
  clientId: string;
  scopes: readonly string[];
  jti: string;
  now: Date;
  ttlSeconds: number;
  authTime?: Date;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  if (!Number.isInteger(input.ttlSeconds) || input.ttlSeconds <= 0) {
    throw new RangeError("ttlSeconds must be a positive integer");
  }
  const iat = toNumericDate(input.now);
  const claims: Record<string, unknown> = {
    ...withoutClaims(input.extra, REGISTERED_CLAIMS),
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience,
    client_id: input.clientId,
    jti: input.jti,
    iat,
    exp: iat + input.ttlSeconds,
  };
  // §2.2.3: scope is present when the token carries scopes; an empty string would be a malformed scope.
  if (input.scopes.length > 0) claims.scope = formatScope(input.scopes);
  if (input.authTime !== undefined) claims.auth_time = toNumericDate(input.authTime);
  return claims;
}

/**
 * The claims Latch relies on, read from a payload whose signature, `typ`, issuer and expiry were already verified
 * (RFC 9068 §4): a token we signed but with a missing or mistyped claim is refused, not half-trusted.
 *
 * @throws {InvalidTokenError} naming the claim that is missing or has the wrong type.
 */
export function readAccessTokenClaims(payload: Record<string, unknown>): {
  jti: string;
  sub: string;
  clientId: string;
  scopes: string[];
  exp: number;
  iat: number;
  grantId?: string;
} {
  const text = (name: string): string => {
    const value = payload[name];
    if (typeof value !== "string" || value === "") {
      throw new InvalidTokenError(`the access token's "${name}" claim is missing or not a string`);
    }
    return value;
  };
  const numericDate = (name: string): number => {
    const value = payload[name];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      throw new InvalidTokenError(`the access token's "${name}" claim is missing or not a NumericDate`);
    }
    return value;
  };
  const scope = payload.scope;
  if (scope !== undefined && typeof scope !== "string") {
    throw new InvalidTokenError(`the access token's "scope" claim is not a string`);
  }
  let scopes: string[];
  try {
    scopes = parseScopeParam(scope);
  } catch {
    throw new InvalidTokenError(`the access token's "scope" claim is malformed`);
  }
  const grantId = payload.grant_id;
  if (grantId !== undefined && typeof grantId !== "string") {
    throw new InvalidTokenError(`the access token's "grant_id" claim is not a string`);
  }
  const claims = {
    jti: text("jti"),
    sub: text("sub"),
    clientId: text("client_id"),
    scopes,
    exp: numericDate("exp"),
    iat: numericDate("iat"),
  };
  return grantId === undefined ? claims : { ...claims, grantId };
}
