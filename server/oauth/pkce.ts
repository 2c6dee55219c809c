import { createHash, timingSafeEqual } from "node:crypto";
import { InvalidRequestError } from "./errors.ts";

// BASE64URL(SHA256(verifier)) is always 43 characters (RFC 7636 §4.2).
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
// code-verifier = 43*128unreserved (RFC 7636 §4.1).
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** A validated PKCE challenge as stored with the authorization code. */
export type CodeChallenge = { codeChallenge: string; codeChallengeMethod: "S256" };

/**
 * Validates `code_challenge` and `code_challenge_method` of an authorization request (RFC 7636 §4.3, §4.4.1):
 * only S256 (an absent method means plain, which is refused); null when no challenge was sent and none is required.
 * `requiredFor` names why one is required ("public clients"), or is null when it is optional.
 *
 * @throws {InvalidRequestError} when the challenge is required but missing, or malformed, or the method is not S256.
 */
export function checkCodeChallenge(
  challenge: string | undefined,
  method: string | undefined,
  requiredFor: string | null,
): CodeChallenge | null {
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequestError("code_challenge_method was sent without code_challenge");
    if (requiredFor !== null)
      throw new InvalidRequestError(`code_challenge is required for ${requiredFor} (PKCE, RFC 7636)`);
    return null;
  }
  // plain puts the verifier itself in the front channel, so it protects nothing against a leaked request (RFC 9700 §2.1.1).
  if (method === undefined) {
    throw new InvalidRequestError(
      "code_challenge_method is required: an absent method means plain, and only S256 is supported (RFC 7636 §4.3)",
    );
  }
  if (method === "plain") throw new InvalidRequestError('code_challenge_method "plain" is not supported; use S256');
  if (method !== "S256") throw new InvalidRequestError("code_challenge_method must be S256");
  // A non-canonical final character decodes to the same bytes but could never equal a computed challenge.
  if (!CHALLENGE.test(challenge) || Buffer.from(challenge, "base64url").toString("base64url") !== challenge) {
    throw new InvalidRequestError("code_challenge must be 43 base64url characters: BASE64URL(SHA256(code_verifier))");
  }
  return { codeChallenge: challenge, codeChallengeMethod: "S256" };
}

/** The S256 challenge of a verifier: BASE64URL(SHA256(ASCII(code_verifier))) (RFC 7636 §4.2). */
export function computeCodeChallenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/**
 * What a code's stored challenge must equal for a request with `verifier` to pass (RFC 7636 §4.6), for a check made
 * where the code is stored: null when no verifier was sent (only a code without a challenge passes), undefined when
 * the verifier is malformed (nothing passes).
 */
export function expectedCodeChallenge(verifier: string | undefined): string | null | undefined {
  if (verifier === undefined) return null;
  return VERIFIER.test(verifier) ? computeCodeChallenge(verifier) : undefined;
}

/** Whether `verifier` is well formed (RFC 7636 §4.1) and hashes to `challenge` (§4.6), compared in constant time. */
export function verifyCodeVerifier(verifier: string | undefined, challenge: string): boolean {
  if (verifier === undefined || !VERIFIER.test(verifier)) return false;
  const computed = Buffer.from(computeCodeChallenge(verifier), "utf8");
  const expected = Buffer.from(challenge, "utf8");
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
