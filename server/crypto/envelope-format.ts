import { GCM_IV_BYTES, GCM_TAG_BYTES } from "./aes-gcm.ts";
import { CryptoError } from "./errors.ts";
import { MASTER_KEY_ID_PATTERN } from "./master-key.ts";

/** The only envelope version this code writes and reads. */
export const ENVELOPE_VERSION = "v1";
/** Bytes of a wrapped data key: wrap IV ‖ encrypted 32-byte data key ‖ tag. */
export const WRAPPED_KEY_BYTES = GCM_IV_BYTES + 32 + GCM_TAG_BYTES;

/** The parts of a sealed string, decoded. */
export type SealedParts = {
  readonly keyId: string;
  readonly wrappedKey: Buffer;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
};

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Writes `v1.<kid>.<wrapped key>.<iv>.<ciphertext ‖ tag>`, binary parts in unpadded base64url. */
export function formatSealed(parts: SealedParts): string {
  const encoded = [parts.wrappedKey, parts.iv, parts.ciphertext].map((part) => part.toString("base64url"));
  return [ENVELOPE_VERSION, parts.keyId, ...encoded].join(".");
}

/**
 * Splits and decodes a sealed string, checking its shape only (authentication happens on open).
 *
 * @throws {CryptoError} `ERR_ENVELOPE_MALFORMED` naming the part that is wrong, never echoing the value.
 */
export function parseSealed(sealed: string): SealedParts {
  if (typeof sealed !== "string") throw malformed("sealed value must be a string");
  const segments = sealed.split(".");
  if (segments.length !== 5) throw malformed(`sealed value must have 5 "."-separated parts, not ${segments.length}`);
  const [version, keyId, wrappedKey, iv, ciphertext] = segments as [string, string, string, string, string];
  if (version !== ENVELOPE_VERSION)
    throw malformed(`sealed value has unsupported version; expected ${ENVELOPE_VERSION}`);
  if (!MASTER_KEY_ID_PATTERN.test(keyId)) throw malformed("sealed value has an invalid key id");
  return {
    keyId,
    wrappedKey: decodePart(wrappedKey, "wrapped key", (length) => length === WRAPPED_KEY_BYTES),
    iv: decodePart(iv, "IV", (length) => length === GCM_IV_BYTES),
    ciphertext: decodePart(ciphertext, "ciphertext", (length) => length >= GCM_TAG_BYTES),
  };
}

// Only canonical base64url is accepted, so each sealed value has exactly one spelling and no character can be
// changed without changing the bytes that authentication covers.
function decodePart(encoded: string, name: string, lengthOk: (length: number) => boolean): Buffer {
  const bytes = BASE64URL.test(encoded) ? Buffer.from(encoded, "base64url") : undefined;
  if (bytes === undefined || bytes.toString("base64url") !== encoded) {
    throw malformed(`sealed value ${name} is not canonical unpadded base64url`);
  }
  if (!lengthOk(bytes.length)) throw malformed(`sealed value ${name} has the wrong length (${bytes.length} bytes)`);
  return bytes;
}

function malformed(message: string): CryptoError {
  return new CryptoError("ERR_ENVELOPE_MALFORMED", message);
}
