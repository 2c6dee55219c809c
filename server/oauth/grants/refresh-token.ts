import { InvalidGrantError, InvalidScopeError, type OAuthError } from "../errors.ts";
import { isScopeSubset } from "../scopes.ts";

/** A refresh token as the service loaded it (by the SHA-256 of the presented token), with its grant's state. */
export type StoredRefreshToken = {
  applicationId: string;
  scopes: readonly string[];
  expiresAt: Date | null;
  rotatedAt: Date | null;
  revokedAt: Date | null;
  grantRevoked: boolean;
};

/** What to do with a refresh request; `scopes` are those of the new access token. */
export type RefreshDecision =
  | { outcome: "rotate"; scopes: string[] }
  // Already rotated but within the reuse interval: a client retrying is answered with the successor it already got.
  | { outcome: "grace"; scopes: string[] }
  // A rotated token came back after the interval: it leaked, so the whole family is revoked.
  | { outcome: "reuse_detected"; error: OAuthError }
  | { outcome: "reject"; error: OAuthError };

const reject = (description: string): RefreshDecision => ({
  outcome: "reject",
  error: new InvalidGrantError(description),
});

/**
 * Decides a refresh token request (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2). The new
 * access token gets `scopes`; a new refresh token keeps the presented token's scopes (§6: "MUST be identical").
 */
export function decideRefresh(input: {
  token: StoredRefreshToken | null;
  clientApplicationId: string;
  requestedScopes: readonly string[];
  reuseIntervalSeconds: number;
  now: Date;
}): RefreshDecision {
  const { token, now } = input;
  // One message for unknown and foreign tokens, so a client cannot probe for tokens issued to others.
  if (token === null || token.applicationId !== input.clientApplicationId) {
    return reject("the refresh token is invalid or was issued to another client");
  }
  if (token.revokedAt !== null || token.grantRevoked) return reject("the refresh token has been revoked");
  if (token.expiresAt !== null && now.getTime() >= token.expiresAt.getTime()) {
    return reject("the refresh token has expired");
  }

  let outcome: "rotate" | "grace" = "rotate";
  if (token.rotatedAt !== null) {
    // Negative elapsed time (replica clocks apart) counts as within the interval.
    const elapsed = now.getTime() - token.rotatedAt.getTime();
    if (input.reuseIntervalSeconds <= 0 || elapsed > input.reuseIntervalSeconds * 1000) {
      return { outcome: "reuse_detected", error: new InvalidGrantError("the refresh token has already been used") };
    }
    outcome = "grace";
  }

  if (input.requestedScopes.length === 0) return { outcome, scopes: [...token.scopes] };
  if (!isScopeSubset(input.requestedScopes, token.scopes)) {
    const granted = input.requestedScopes.find((scope) => !isScopeSubset([scope], token.scopes));
    return {
      outcome: "reject",
      error: new InvalidScopeError(`scope "${granted}" exceeds the scope granted to this refresh token`),
    };
  }
  return { outcome, scopes: [...input.requestedScopes] };
}
