import { createHash } from "node:crypto";
import { toNumericDate, withoutClaims } from "./access-token-claims.ts";
import { acrFor } from "./authentication-requirements.ts";

// Claims this module owns: user claims may not set them (a "nonce" or "aud" there would defeat the checks).
const REGISTERED_CLAIMS = [
  "iss",
  "sub",
  "aud",
  "azp",
  "iat",
  "exp",
  "nbf",
  "auth_time",
  "amr",
  "acr",
  "nonce",
  "at_hash",
  "c_hash",
];

/**
 * `at_hash` for an ES256-signed ID token: base64url of the left half of SHA-256 over the ASCII access token
 * (OIDC Core §3.1.3.6; the hash follows the `alg`, and ES256 uses SHA-256).
 */
export function computeAtHash(accessToken: string): string {
  return createHash("sha256").update(accessToken, "ascii").digest().subarray(0, 16).toString("base64url");
}

/**
 * The claims of an ID token (OIDC Core §2): iss, sub, aud (the client), iat, exp, auth_time, acr (from `amr`, see
 * {@link acrFor}), and nonce and at_hash when given. User claims in `claims` (name, email, ...) may not set any of those.
 */
export function buildIdTokenClaims(input: {
  issuer: string;
  subject: string;
  clientId: string;
  nonce?: string;
  authTime: Date;
  /** OIDC Core §2 `amr`: the authentication methods used (RFC 8176 values); omitted when empty. */
  amr?: readonly string[];
  now: Date;
  ttlSeconds: number;
  accessToken?: string;
  claims?: Record<string, unknown>;
}): Record<string, unknown> {
  if (!Number.isInteger(input.ttlSeconds) || input.ttlSeconds <= 0) {
    throw new RangeError("ttlSeconds must be a positive integer");
  }
  const iat = toNumericDate(input.now);
  const claims: Record<string, unknown> = {
    ...withoutClaims(input.claims, REGISTERED_CLAIMS),
    iss: input.issuer,
    sub: input.subject,
    aud: input.clientId,
    iat,
    exp: iat + input.ttlSeconds,
    auth_time: toNumericDate(input.authTime),
  };
  // §3.1.2.1: the nonce is echoed unmodified so the client can bind the ID token to its session.
  if (input.nonce !== undefined) claims.nonce = input.nonce;
  if (input.amr !== undefined && input.amr.length > 0) claims.amr = [...input.amr];
  claims.acr = acrFor(input.amr);
  if (input.accessToken !== undefined) claims.at_hash = computeAtHash(input.accessToken);
  return claims;
}
