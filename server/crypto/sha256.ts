import { hash, timingSafeEqual } from "node:crypto";

/**
 * Hex SHA-256 of a minted secret (UTF-8): what the database stores and looks up by. A fast hash is right here
 * because minted secrets carry 256 bits of entropy; passwords go through `hashPassword` (argon2id) instead.
 *
 * @example
 * ```ts
 * em.findOne(ApiKey, { keyHash: hashSecret(presented) });
 * ```
 */
export function hashSecret(secret: string): string {
  // One-shot: half the cost of a Hash object, on every token, code and client secret presented.
  return hash("sha256", secret, "hex");
}

/**
 * Compares two strings (as UTF-8) in time that depends only on their lengths, so an attacker cannot learn a
 * secret byte by byte from response times. Strings of different lengths are unequal; the comparison still runs
 * (against itself) so only the length difference, never the content, shows.
 */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
