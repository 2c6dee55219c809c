import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeBase62, encodeBase62Uint32, isBase62 } from "../../../server/crypto/base62.ts";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The definition, in BigInt: every secret minted so far, and every checksum checked, was encoded by it. */
function reference(bytes: Uint8Array, width: number): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let out = "";
  while (value > 0n) {
    out = ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(width, "0");
}

describe("encodeBase62", () => {
  it("gives the digits of the BigInt definition for random inputs of every length up to 40 bytes", () => {
    for (let length = 0; length <= 40; length++) {
      for (let round = 0; round < 50; round++) {
        const bytes = randomBytes(length);
        const width = Math.ceil(length * 1.35) + 1;
        expect(encodeBase62(bytes, width), bytes.toString("hex")).toBe(reference(bytes, width));
      }
    }
  });

  it("gives the digits of the definition at the edges: zeros, all ones, leading zero bytes, one bit set", () => {
    const cases = [
      new Uint8Array(32),
      new Uint8Array(32).fill(0xff),
      Uint8Array.from([0, 0, 0, 1, ...new Uint8Array(28).fill(0xff)]),
      Uint8Array.from([0x80, ...new Uint8Array(31)]),
      Uint8Array.from([1]),
      new Uint8Array(0),
    ];
    for (const bytes of cases) expect(encodeBase62(bytes, 43)).toBe(reference(bytes, 43));
    expect(encodeBase62(new Uint8Array(32).fill(0xff), 43)).toHaveLength(43);
  });

  it("refuses a width too narrow for the value rather than cutting digits", () => {
    expect(() => encodeBase62(new Uint8Array(32).fill(0xff), 42)).toThrow(RangeError);
  });
});

describe("encodeBase62Uint32", () => {
  it("writes any 32-bit value in six characters, as the definition does", () => {
    for (const value of [0, 1, 61, 62, 0x7fffffff, 0xffffffff, 123456789]) {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setUint32(0, value);
      expect(encodeBase62Uint32(value)).toBe(reference(bytes, 6));
    }
    expect(encodeBase62Uint32(0xffffffff)).toBe("4gfFC3");
  });

  it("keeps only base62 characters", () => {
    expect(isBase62(encodeBase62(randomBytes(32), 43))).toBe(true);
    expect(isBase62("abc-")).toBe(false);
  });
});
