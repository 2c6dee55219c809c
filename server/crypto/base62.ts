const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE = 62n;

/**
 * Encodes bytes as big-endian base62, left-padded with `0` to `width` characters. A fixed width keeps every token
 * of a kind the same length, so a scanner's pattern can be exact.
 */
export function encodeBase62(bytes: Uint8Array, width: number): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let out = "";
  while (value > 0n) {
    out = ALPHABET[Number(value % BASE)] + out;
    value /= BASE;
  }
  if (out.length > width) throw new RangeError(`base62 value needs ${out.length} characters, more than width ${width}`);
  return out.padStart(width, "0");
}

/** Base62 of an unsigned 32-bit integer in exactly 6 characters (62^6 > 2^32). */
export function encodeBase62Uint32(value: number): string {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return encodeBase62(bytes, 6);
}

/** Whether every character of `text` is in the base62 alphabet. */
export function isBase62(text: string): boolean {
  return /^[0-9A-Za-z]*$/.test(text);
}
