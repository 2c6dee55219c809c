import { createHmac } from "node:crypto";
import { deriveKey } from "../../crypto/derive-key.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { formatSecret, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";

/** The key that turns a refresh token into its successor: one per deployment, from the active master key. */
export type SuccessorKey = { readonly successorKey: Buffer };

/** Derives the successor key once at start-up (HKDF from the active master key, its own purpose label). */
export function successorKeyOf(keyring: MasterKeyring): Buffer {
  return deriveKey(keyring, "refresh token successor v1");
}

/**
 * The one refresh token that rotating `presented` may ever produce: `latch_rt_` + HMAC-SHA256(key, presented), with
 * the usual checksum. A retry inside an app's reuse interval must be answered with the successor the first refresh
 * produced, yet refresh tokens are stored as hashes only. Deriving it, rather than sealing a copy on the rotated-out
 * row, stores nothing beyond the successor's hash (like every refresh token), adds no write or column to the normal
 * rotation, needs no clean-up when the interval ends, and lets every replica that shares the master key answer the
 * same successor without coordination. Only a holder of `presented` can ask for it, and only the server can compute
 * it (256 bits of HMAC output under a key derived from the master key). A master key rotation changes the key: a
 * retry across it finds no successor and is refused, not forked.
 */
export function successorRefreshToken(key: Buffer, presented: string): string {
  return formatSecret(SECRET_PREFIXES.refreshToken, createHmac("sha256", key).update(presented).digest());
}
