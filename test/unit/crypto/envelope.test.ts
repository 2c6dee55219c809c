import { describe, expect, it } from "vitest";
import { open, openString, rewrap, seal, sealedKeyId } from "../../../server/crypto/envelope.ts";
import { generateMasterKey, parseMasterKeys } from "../../../server/crypto/master-key.ts";

const tampered = expect.objectContaining({ name: "CryptoError", code: "ERR_ENVELOPE_TAMPERED" });
const malformed = expect.objectContaining({ name: "CryptoError", code: "ERR_ENVELOPE_MALFORMED" });
const unknownKey = expect.objectContaining({ name: "CryptoError", code: "ERR_ENVELOPE_UNKNOWN_KEY" });

const keyA = generateMasterKey();
const keyB = generateMasterKey();
const ringA = parseMasterKeys(`a:${keyA}`);
const AAD = "signing_key:kid-1";
const PART = { version: 0, kid: 1, wrappedKey: 2, iv: 3, ciphertext: 4 } as const;

/** `sealed` with one byte of the given base64url part XOR-flipped, re-encoded canonically. */
function flipByte(sealed: string, part: number, byteIndex: number): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[part]!, "base64url");
  bytes[byteIndex] = bytes[byteIndex]! ^ 0x01;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

describe("seal / open", () => {
  it("round-trips a string and reports the active key id", () => {
    const sealed = seal(ringA, "-----BEGIN PRIVATE KEY-----\nhé 日本\n", AAD);
    expect(sealed).toMatch(/^v1\.a\.[A-Za-z0-9_-]{80}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(openString(ringA, sealed, AAD)).toBe("-----BEGIN PRIVATE KEY-----\nhé 日本\n");
    expect(sealedKeyId(sealed)).toBe("a");
  });

  it("round-trips binary, including empty plaintext", () => {
    const binary = new Uint8Array([0, 255, 1, 254, 0x80]);
    expect(open(ringA, seal(ringA, binary)).equals(Buffer.from(binary))).toBe(true);
    expect(open(ringA, seal(ringA, new Uint8Array())).length).toBe(0);
    expect(openString(ringA, seal(ringA, ""))).toBe("");
  });

  it("seals the same plaintext differently every time (fresh data key and IVs)", () => {
    expect(seal(ringA, "same", AAD)).not.toBe(seal(ringA, "same", AAD));
  });

  it("refuses to return non-UTF-8 plaintext as a string", () => {
    const sealed = seal(ringA, new Uint8Array([0xff, 0xfe]));
    expect(() => openString(ringA, sealed)).toThrow(expect.objectContaining({ code: "ERR_ENVELOPE_NOT_TEXT" }));
  });
});

describe("tamper detection", () => {
  const sealed = seal(ringA, "upstream client secret", AAD);

  it.each([
    ["wrapped key", PART.wrappedKey],
    ["IV", PART.iv],
    ["ciphertext and tag", PART.ciphertext],
  ])("rejects a flip of any byte of the %s as tampered", (_name, part) => {
    const length = Buffer.from(sealed.split(".")[part]!, "base64url").length;
    for (let byteIndex = 0; byteIndex < length; byteIndex++) {
      expect(() => open(ringA, flipByte(sealed, part, byteIndex), AAD), `byte ${byteIndex}`).toThrow(tampered);
    }
  });

  it("rejects a change to any single character of the sealed string", () => {
    for (let index = 0; index < sealed.length; index++) {
      const changed = sealed.slice(0, index) + (sealed[index] === "A" ? "B" : "A") + sealed.slice(index + 1);
      expect(() => open(ringA, changed, AAD), `character ${index}`).toThrow(
        expect.objectContaining({ name: "CryptoError", code: expect.stringMatching(/^ERR_ENVELOPE_/) }),
      );
    }
  });

  it("rejects an unsupported version as malformed", () => {
    expect(() => open(ringA, sealed.replace(/^v1/, "v2"), AAD)).toThrow(malformed);
  });

  it("rejects a relabelled key id: unknown id, or another key's id", () => {
    const ringAB = parseMasterKeys(`a:${keyA},b:${keyB}`);
    const relabelled = sealed.replace(/^v1\.a\./, "v1.b.");
    expect(() => open(ringA, relabelled, AAD)).toThrow(unknownKey);
    expect(() => open(ringAB, relabelled, AAD)).toThrow(tampered);
  });

  it("rejects another AAD, and a missing one, as tampered", () => {
    expect(() => open(ringA, sealed, "signing_key:kid-2")).toThrow(tampered);
    expect(() => open(ringA, sealed)).toThrow(tampered);
  });

  it("rejects a wrong master key under the same id as tampered", () => {
    expect(() => open(parseMasterKeys(`a:${keyB}`), sealed, AAD)).toThrow(tampered);
  });

  it("rejects a wrapped key swapped in from another sealed value", () => {
    const other = seal(ringA, "other secret", AAD).split(".");
    const spliced = sealed.split(".");
    spliced[PART.wrappedKey] = other[PART.wrappedKey]!;
    expect(() => open(ringA, spliced.join("."), AAD)).toThrow(tampered);
  });

  it("rejects garbage, wrong part counts, padding and wrong lengths as malformed", () => {
    const parts = sealed.split(".");
    for (const garbage of [
      "",
      "garbage",
      "v1.a.b.c",
      `${sealed}.extra`,
      `v1.a.${parts[2]}=.${parts[3]}.${parts[4]}`,
      `v1.a.${parts[2]}.${parts[3]!.slice(4)}.${parts[4]}`,
      `v1.a.${parts[2]}.${parts[3]}.AAAA`,
      `v1.a.b.${parts[3]}.${parts[4]}`,
      `v1.a!.${parts[2]}.${parts[3]}.${parts[4]}`,
    ]) {
      expect(() => open(ringA, garbage, AAD), garbage).toThrow(malformed);
      expect(() => sealedKeyId(garbage), garbage).toThrow(malformed);
    }
  });

  it("never puts sealed content in error messages", () => {
    const garbled = flipByte(sealed, PART.ciphertext, 0);
    const error = (() => {
      try {
        open(ringA, garbled, AAD);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("expected open to throw");
    })();
    expect(error).toEqual(tampered);
    for (const part of garbled.split(".").slice(2)) expect(error.message).not.toContain(part);
  });
});

describe("rewrap", () => {
  it("moves a value to the new active key so it opens after the old key is retired", () => {
    const sealed = seal(ringA, "secret", AAD);
    const rotating = parseMasterKeys(`b:${keyB},a:${keyA}`);
    const rewrapped = rewrap(rotating, sealed);

    expect(sealedKeyId(rewrapped)).toBe("b");
    expect(rewrapped.split(".").slice(3)).toEqual(sealed.split(".").slice(3)); // data untouched
    const retired = parseMasterKeys(`b:${keyB}`);
    expect(openString(retired, rewrapped, AAD)).toBe("secret");
    expect(() => open(retired, sealed, AAD)).toThrow(unknownKey);
  });

  it("rejects tampered and unknown-key values instead of rewrapping them", () => {
    const sealed = seal(ringA, "secret", AAD);
    const rotating = parseMasterKeys(`b:${keyB},a:${keyA}`);
    expect(() => rewrap(rotating, flipByte(sealed, PART.wrappedKey, 20))).toThrow(tampered);
    expect(() => rewrap(parseMasterKeys(`b:${keyB}`), sealed)).toThrow(unknownKey);
    expect(() => rewrap(rotating, "nonsense")).toThrow(malformed);
  });
});
