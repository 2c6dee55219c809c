import { InvalidGrantError, type OAuthError } from "../errors.ts";
import { verifyCodeVerifier } from "../pkce.ts";

/** An authorization code as the service loaded it (by the SHA-256 of the presented code). */
export type StoredAuthorizationCode = {
  applicationId: string;
  /** The redirect_uri of the authorization request, or null when it was omitted there. */
  redirectUri: string | null;
  codeChallenge: string | null;
  expiresAt: Date;
  consumedAt: Date | null;
};

/** Issue tokens, or refuse; `revokeIssuedTokens` asks the service to revoke what this code already issued. */
export type CodeExchangeDecision =
  | { outcome: "issue" }
  | { outcome: "reject"; error: OAuthError; revokeIssuedTokens: boolean };

const reject = (description: string, revokeIssuedTokens = false): CodeExchangeDecision => ({
  outcome: "reject",
  error: new InvalidGrantError(description),
  revokeIssuedTokens,
});

/**
 * Decides an authorization code exchange (RFC 6749 §4.1.3, §10.5; RFC 7636 §4.6). The service must mark the
 * code consumed atomically (one winner) before issuing, and on `revokeIssuedTokens` revoke the code's grant tokens.
 */
export function decideCodeExchange(input: {
  code: StoredAuthorizationCode | null;
  clientApplicationId: string;
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
  now: Date;
}): CodeExchangeDecision {
  const { code } = input;
  // One message for unknown and foreign codes, so a client cannot probe for codes issued to others.
  if (code === null) return reject("the authorization code is invalid or was issued to another client");
  // §4.1.2: a second use means the code leaked; what it issued "SHOULD" be revoked, whoever presents it.
  if (code.consumedAt !== null) return reject("the authorization code has already been used", true);
  if (code.applicationId !== input.clientApplicationId) {
    return reject("the authorization code is invalid or was issued to another client");
  }
  if (input.now.getTime() >= code.expiresAt.getTime()) return reject("the authorization code has expired");
  // §4.1.3: required and identical when the authorization request carried one (exact, like registration matching).
  if (code.redirectUri !== null && input.redirectUri !== code.redirectUri) {
    return reject(
      input.redirectUri === undefined
        ? "redirect_uri is required: the authorization request included one"
        : "redirect_uri does not match the one of the authorization request",
    );
  }
  if (code.codeChallenge !== null) {
    if (input.codeVerifier === undefined) {
      return reject("code_verifier is required: the authorization request sent a code_challenge");
    }
    if (!verifyCodeVerifier(input.codeVerifier, code.codeChallenge)) {
      return reject("code_verifier does not match the code_challenge");
    }
  } else if (input.codeVerifier !== undefined) {
    // RFC 9700 §4.8.2: a verifier for a code issued without a challenge signals an injected code (PKCE downgrade).
    return reject("code_verifier was sent but the authorization request had no code_challenge");
  }
  return { outcome: "issue" };
}
