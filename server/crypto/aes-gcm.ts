import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { CryptoError } from "./errors.ts";

/** Bytes in an AES-GCM IV: the 96 bits GCM is designed for (NIST SP 800-38D §5.2.1.1). */
export const GCM_IV_BYTES = 12;
/** Bytes in an AES-GCM tag: the full 128 bits, never truncated. */
export const GCM_TAG_BYTES = 16;

/**
 * Encrypts `plaintext` with AES-256-GCM under `key` and a fresh random IV, binding `aad`. Returns the IV and
 * `ciphertext ‖ tag`. Random IVs are safe here because each data key seals one value and master keys seal far
 * fewer than 2^32 data keys.
 */
export function gcmEncrypt(key: Uint8Array, plaintext: Uint8Array, aad: string): { iv: Buffer; sealed: Buffer } {
  const iv = randomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv, sealed };
}

/**
 * Decrypts `ciphertext ‖ tag` from {@link gcmEncrypt}.
 *
 * @throws {CryptoError} `ERR_ENVELOPE_TAMPERED` when authentication fails (changed bytes, other key, other AAD).
 */
export function gcmDecrypt(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: string): Buffer {
  // authTagLength pins the tag to 16 bytes: without it Node accepts truncated tags, which are easier to forge.
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: GCM_TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_BYTES));
  const head = decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_BYTES));
  try {
    return Buffer.concat([head, decipher.final()]);
  } catch {
    head.fill(0);
    throw new CryptoError("ERR_ENVELOPE_TAMPERED", "sealed value failed authentication");
  }
}
