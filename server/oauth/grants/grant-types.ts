import { InvalidRequestError, UnauthorizedClientError, UnsupportedGrantTypeError } from "../errors.ts";
import { SUPPORTED_GRANT_TYPES } from "../server-metadata.ts";

/** The grant types the token endpoint implements; the same list the metadata advertises (RFC 8414 §2). */
export const GRANT_TYPES = SUPPORTED_GRANT_TYPES;

/** One of {@link GRANT_TYPES}. */
export type GrantType = (typeof GRANT_TYPES)[number];

// Grant types are absolute URIs or short names (RFC 6749 §4.5); only such values are safe to quote back.
const QUOTABLE = /^[A-Za-z0-9_.:/-]{1,100}$/;

/** Whether `grantType` is one Latch implements. */
export function isGrantType(grantType: string): grantType is GrantType {
  return (GRANT_TYPES as readonly string[]).includes(grantType);
}

/**
 * Refuses a `grant_type` the server does not implement or the client may not use (RFC 6749 §5.2).
 *
 * @throws {InvalidRequestError} when grant_type is empty.
 * @throws {UnsupportedGrantTypeError} when the server does not know it.
 * @throws {UnauthorizedClientError} when the client is not registered for it.
 */
export function checkGrantTypeAllowed(
  grantType: string,
  grantTypes: readonly string[],
): asserts grantType is GrantType {
  if (grantType === "") throw new InvalidRequestError("grant_type is required");
  if (!isGrantType(grantType)) {
    throw new UnsupportedGrantTypeError(
      QUOTABLE.test(grantType) ? `grant_type "${grantType}" is not supported` : "grant_type is not supported",
    );
  }
  if (!grantTypes.includes(grantType)) {
    throw new UnauthorizedClientError(`this client is not allowed to use the ${grantType} grant`);
  }
}
