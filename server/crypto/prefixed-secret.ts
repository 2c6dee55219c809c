import { crc32 } from "node:zlib";
import { encodeBase62, encodeBase62Uint32, isBase62 } from "./base62.ts";
import { CryptoError } from "./errors.ts";
import { pooledRandomBytes } from "./random-pool.ts";

/**
 * The prefix of every kind of secret Latch mints. Prefixes let secret scanners (GitHub push protection, gitleaks)
 * recognise a leaked Latch secret and tell which kind it is.
 */
export const SECRET_PREFIXES = {
  clientSecret: "latch_cs_",
  accessToken: "latch_at_",
  refreshToken: "latch_rt_",
  apiKey: "latch_ak_",
  authorizationCode: "latch_ac_",
  browserSession: "latch_ss_",
  /** The single-use links mailed to a person (verify an address, reset a password). */
  accountLink: "latch_al_",
  webhookSecret: "whsec_",
} as const;

/** One of the values of {@link SECRET_PREFIXES}. */
export type SecretPrefix = (typeof SECRET_PREFIXES)[keyof typeof SECRET_PREFIXES];

/** Random bytes in every minted secret: 256 bits, so guessing is hopeless and a fast hash is enough at rest. */
export const SECRET_RANDOM_BYTES = 32;
/** Characters of the base62 random part of a `latch_*` secret: 62^43 is just over 2^256. */
export const SECRET_BODY_LENGTH = 43;
/** Characters of the base62 CRC32 checksum suffix of a `latch_*` secret: 62^6 is over 2^32. */
export const SECRET_CHECKSUM_LENGTH = 6;

const ALL_PREFIXES: readonly SecretPrefix[] = Object.values(SECRET_PREFIXES);
// whsec_ follows Standard Webhooks: receivers base64-decode what follows the prefix, so no checksum can be added.
const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{43}=$/;

/**
 * Mints a new secret of the kind `prefix` names.
 *
 * - `latch_*`: prefix + 43 base62 characters (32 random bytes, zero-padded) + 6 base62 characters of the CRC32 of
 *   everything before them, like GitHub tokens: `prefix.length + 49` characters, matching
 *   `/^latch_[a-z]{2}_[0-9A-Za-z]{49}$/`.
 * - `whsec_`: `whsec_` + standard base64 of 32 random bytes (44 characters), the Standard Webhooks shape.
 *
 * @throws {CryptoError} `ERR_SECRET_PREFIX_UNKNOWN` when `prefix` is not in {@link SECRET_PREFIXES}.
 * @example
 * ```ts
 * const key = mintSecret(SECRET_PREFIXES.apiKey); // "latch_ak_…"; store hashSecret(key), show key once
 * ```
 */
export function mintSecret(prefix: SecretPrefix): string {
  if (!ALL_PREFIXES.includes(prefix)) {
    throw new CryptoError("ERR_SECRET_PREFIX_UNKNOWN", `secret prefix "${prefix}" is not one of SECRET_PREFIXES`);
  }
  const random = pooledRandomBytes(SECRET_RANDOM_BYTES);
  if (prefix === SECRET_PREFIXES.webhookSecret) return `${prefix}${random.toString("base64")}`;
  return formatSecret(prefix, random);
}

/**
 * A `latch_*` secret whose body is the given 32 bytes (already high entropy, e.g. an HMAC output), in the same shape
 * as {@link mintSecret}'s: prefix + 43 base62 characters + the 6-character CRC32 checksum.
 */
export function formatSecret(prefix: Exclude<SecretPrefix, "whsec_">, body: Uint8Array): string {
  const unchecked = `${prefix}${encodeBase62(body, SECRET_BODY_LENGTH)}`;
  return `${unchecked}${checksumOf(unchecked)}`;
}

/**
 * Which kind of secret `token` claims to be, read from its prefix alone, or null when it has none of ours.
 * Does not check the rest of the token: use {@link hasValidChecksum} before spending a lookup on it.
 */
export function parseSecretPrefix(token: string): SecretPrefix | null {
  return ALL_PREFIXES.find((prefix) => token.startsWith(prefix)) ?? null;
}

/**
 * Whether `token` is a well-formed `latch_*` secret whose CRC32 suffix matches, so noise and typos can be
 * rejected without a database lookup. The checksum is public knowledge, not authentication: a true result only
 * means "worth looking up".
 *
 * Always false for `whsec_` secrets (they carry no checksum) and for anything without one of our prefixes.
 */
export function hasValidChecksum(token: string): boolean {
  const prefix = parseSecretPrefix(token);
  if (prefix === null || prefix === SECRET_PREFIXES.webhookSecret) return false;
  if (token.length !== prefix.length + SECRET_BODY_LENGTH + SECRET_CHECKSUM_LENGTH) return false;
  if (!isBase62(token.slice(prefix.length))) return false;
  const unchecked = token.slice(0, -SECRET_CHECKSUM_LENGTH);
  return token.slice(-SECRET_CHECKSUM_LENGTH) === checksumOf(unchecked);
}

/**
 * Whether `token` has the exact Standard Webhooks shape `whsec_` + base64 of 32 bytes. The shape check is all a
 * webhook secret offers in place of a checksum.
 */
export function isWellFormedWebhookSecret(token: string): boolean {
  if (!WEBHOOK_SECRET_PATTERN.test(token)) return false;
  // Canonical base64 only: stray low bits in the last character would give two spellings of one secret.
  const encoded = token.slice(SECRET_PREFIXES.webhookSecret.length);
  return Buffer.from(encoded, "base64").toString("base64") === encoded;
}

// The checksum covers the prefix too, so a token pasted under another kind's prefix fails the check.
function checksumOf(unchecked: string): string {
  return encodeBase62Uint32(crc32(unchecked));
}
