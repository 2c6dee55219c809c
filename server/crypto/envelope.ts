import { randomBytes } from "node:crypto";
import { GCM_IV_BYTES, gcmDecrypt, gcmEncrypt } from "./aes-gcm.ts";
import { formatSealed, parseSealed, type SealedParts, WRAPPED_KEY_BYTES } from "./envelope-format.ts";
import { CryptoError } from "./errors.ts";
import type { MasterKeyring } from "./master-key.ts";

const DATA_KEY_BYTES = 32;
// Distinct AAD prefixes keep a wrapped key and a ciphertext from ever verifying in each other's place. The key id
// is bound into the wrap so a sealed value cannot be relabelled to another master key.
const wrapAad = (keyId: string) => `latch-envelope:v1:key:${keyId}`;
const dataAad = (aad: string) => `latch-envelope:v1:data:${aad}`;

/**
 * Envelope-encrypts `plaintext`: a fresh 256-bit data key encrypts it with AES-256-GCM, and the active master key
 * wraps that data key with AES-256-GCM. Returns `v1.<kid>.<wrapped key>.<iv>.<ciphertext ‖ tag>` (see
 * `envelope-format.ts`); printable, safe in a text column.
 *
 * @param aad Binds the ciphertext to where it is stored (e.g. `signing_key:<kid>`): {@link open} must be given the
 *   same value, so a ciphertext copied to another row fails. Omitted is the same as `""`.
 * @example
 * ```ts
 * row.privateKeyEncrypted = seal(keyring, pem, `signing_key:${kid}`);
 * ```
 */
export function seal(keyring: MasterKeyring, plaintext: string | Uint8Array, aad = ""): string {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    const bytes = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
    const data = gcmEncrypt(dataKey, bytes, dataAad(aad));
    const wrappedKey = wrap(keyring, dataKey);
    return formatSealed({ keyId: keyring.active.id, wrappedKey, iv: data.iv, ciphertext: data.sealed });
  } finally {
    dataKey.fill(0); // the data key must not outlive this call in memory
  }
}

/**
 * Decrypts a value made by {@link seal} with any key of the ring.
 *
 * @throws {CryptoError} `ERR_ENVELOPE_MALFORMED` when it is not a sealed value; `ERR_ENVELOPE_UNKNOWN_KEY` when
 *   its key id is not in the ring; `ERR_ENVELOPE_TAMPERED` when any authenticated byte changed, the AAD differs
 *   or the key under that id is not the one that sealed it.
 */
export function open(keyring: MasterKeyring, sealed: string, aad = ""): Buffer {
  const parts = parseSealed(sealed);
  const dataKey = unwrap(keyring, parts);
  try {
    return gcmDecrypt(dataKey, parts.iv, parts.ciphertext, dataAad(aad));
  } finally {
    dataKey.fill(0);
  }
}

/**
 * {@link open}, decoding the plaintext as UTF-8.
 *
 * @throws {CryptoError} as {@link open}, and `ERR_ENVELOPE_NOT_TEXT` when the plaintext is not valid UTF-8
 *   (replacement characters would corrupt it silently).
 */
export function openString(keyring: MasterKeyring, sealed: string, aad = ""): string {
  const bytes = open(keyring, sealed, aad);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CryptoError("ERR_ENVELOPE_NOT_TEXT", "sealed value is not UTF-8 text");
  } finally {
    bytes.fill(0);
  }
}

/**
 * Re-wraps the data key of `sealed` under the active master key, leaving the ciphertext untouched: master key
 * rotation without the AAD or a re-encryption of the data. The ciphertext itself is not checked (that needs the
 * AAD); {@link open} still does. Rotation jobs skip rows whose {@link sealedKeyId} is already `keyring.active.id`.
 *
 * @throws {CryptoError} as {@link open} for the wrapped key.
 */
export function rewrap(keyring: MasterKeyring, sealed: string): string {
  const parts = parseSealed(sealed);
  const dataKey = unwrap(keyring, parts);
  try {
    return formatSealed({ ...parts, keyId: keyring.active.id, wrappedKey: wrap(keyring, dataKey) });
  } finally {
    dataKey.fill(0);
  }
}

/**
 * The master key id a sealed value was wrapped under, without decrypting: to find rows a rotation must rewrap.
 *
 * @throws {CryptoError} `ERR_ENVELOPE_MALFORMED` when it is not a sealed value.
 */
export function sealedKeyId(sealed: string): string {
  return parseSealed(sealed).keyId;
}

function wrap(keyring: MasterKeyring, dataKey: Buffer): Buffer {
  const { iv, sealed } = gcmEncrypt(keyring.active.key, dataKey, wrapAad(keyring.active.id));
  return Buffer.concat([iv, sealed], WRAPPED_KEY_BYTES);
}

function unwrap(keyring: MasterKeyring, parts: SealedParts): Buffer {
  const masterKey = keyring.byId.get(parts.keyId);
  if (masterKey === undefined) {
    throw new CryptoError(
      "ERR_ENVELOPE_UNKNOWN_KEY",
      `sealed value uses master key "${parts.keyId}", not in the keyring`,
    );
  }
  const iv = parts.wrappedKey.subarray(0, GCM_IV_BYTES);
  return gcmDecrypt(masterKey, iv, parts.wrappedKey.subarray(GCM_IV_BYTES), wrapAad(parts.keyId));
}
