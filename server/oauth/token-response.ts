import { formatScope } from "./scopes.ts";

/** Token responses carry credentials: no cache may keep them (RFC 6749 §5.1). */
export const TOKEN_RESPONSE_HEADERS = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

/**
 * The successful token response body (RFC 6749 §5.1; `id_token`, OIDC Core §3.1.3.3). `scope` is always sent when
 * non-empty, since it may differ from what was requested; empty scope and absent tokens are omitted.
 */
export function buildTokenResponse(input: {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
  scopes: readonly string[];
  idToken?: string;
}): Record<string, unknown> {
  if (!Number.isInteger(input.expiresIn) || input.expiresIn <= 0) {
    throw new RangeError("expiresIn must be a positive integer number of seconds");
  }
  const body: Record<string, unknown> = {
    access_token: input.accessToken,
    token_type: "Bearer",
    expires_in: input.expiresIn,
  };
  if (input.refreshToken !== undefined) body.refresh_token = input.refreshToken;
  if (input.scopes.length > 0) body.scope = formatScope(input.scopes);
  if (input.idToken !== undefined) body.id_token = input.idToken;
  return body;
}
