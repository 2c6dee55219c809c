import type * as oauth from "oauth4webapi";
import { openString, seal } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { connectionAccessTokenAad, connectionRefreshTokenAad } from "../../crypto/secret-aad.ts";

/** The columns of a Connection row that hold its tokens, sealed. */
export type SealedConnectionTokens = {
  readonly accessTokenEncrypted: string;
  readonly refreshTokenEncrypted: string | null;
  readonly tokenType: string;
  readonly scopes: string[];
  /** Null when the upstream did not say (no `expires_in`). */
  readonly expiresAt: Date | null;
};

/**
 * Seals a token endpoint response (RFC 6749 §5.1) for one connection row. A response without a refresh_token keeps
 * the previous one (§6: the server may or may not rotate it); one without `scope` keeps the scopes asked for (§3.3).
 */
export function sealTokenResponse(
  keyring: MasterKeyring,
  connectionId: string,
  response: oauth.TokenEndpointResponse,
  now: Date,
  previous: { readonly refreshTokenEncrypted: string | null; readonly scopes: readonly string[] },
): SealedConnectionTokens {
  return {
    accessTokenEncrypted: seal(keyring, response.access_token, connectionAccessTokenAad(connectionId)),
    refreshTokenEncrypted: response.refresh_token
      ? seal(keyring, response.refresh_token, connectionRefreshTokenAad(connectionId))
      : previous.refreshTokenEncrypted,
    tokenType: response.token_type.toLowerCase(),
    scopes: response.scope ? response.scope.split(" ").filter(Boolean) : [...previous.scopes],
    expiresAt: typeof response.expires_in === "number" ? new Date(now.getTime() + response.expires_in * 1000) : null,
  };
}

export function openAccessToken(
  keyring: MasterKeyring,
  connection: { readonly id: string; readonly accessTokenEncrypted: string | null | undefined },
): string | null {
  return connection.accessTokenEncrypted
    ? openString(keyring, connection.accessTokenEncrypted, connectionAccessTokenAad(connection.id))
    : null;
}

export function openRefreshToken(
  keyring: MasterKeyring,
  connection: { readonly id: string; readonly refreshTokenEncrypted: string | null | undefined },
): string | null {
  return connection.refreshTokenEncrypted
    ? openString(keyring, connection.refreshTokenEncrypted, connectionRefreshTokenAad(connection.id))
    : null;
}
