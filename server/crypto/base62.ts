const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 62^5: five digits per pass of long division. A 16-bit limb times it stays far below 2^53, so it is exact. */
const CHUNK = 62 ** 5;

/**
 * Encodes bytes as big-endian base62, left-padded with `0` to `width` characters. A fixed width keeps every token
 * of a kind the same length, so a scanner's pattern can be exact. Long division on 16-bit limbs: BigInt arithmetic
 * gave the same digits at five times the cost, paid for every token minted.
 */
export function encodeBase62(bytes: Uint8Array, width: number): string {
  const limbs = toLimbs(bytes);
  let first = 0;
  let out = "";
  while (first < limbs.length) {
    let remainder = 0;
    for (let i = first; i < limbs.length; i++) {
      const current = remainder * 65536 + limbs[i]!;
      const quotient = Math.floor(current / CHUNK);
      limbs[i] = quotient;
      remainder = current - quotient * CHUNK;
    }
    while (first < limbs.length && limbs[first] === 0) first++;
    for (let digit = 0; digit < 5; digit++) {
      out = ALPHABET[remainder % 62] + out;
      remainder = Math.floor(remainder / 62);
    }
  }
  const digits = out.replace(/^0+/, "");
  if (digits.length > width) {
    throw new RangeError(`base62 value needs ${digits.length} characters, more than width ${width}`);
  }
  return digits.padStart(width, "0");
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

/** Big-endian 16-bit limbs of `bytes` (an odd leading byte is a limb of its own). */
function toLimbs(bytes: Uint8Array): number[] {
  const limbs: number[] = [];
  let i = bytes.length % 2;
  if (i === 1) limbs.push(bytes[0]!);
  for (; i < bytes.length; i += 2) limbs.push(bytes[i]! * 256 + bytes[i + 1]!);
  return limbs;
}
