import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateMasterKey, masterKeyId, parseMasterKeys } from "../../../server/crypto/master-key.ts";

const invalid = (message: RegExp) =>
  expect.objectContaining({
    name: "CryptoError",
    code: "ERR_MASTER_KEY_INVALID",
    message: expect.stringMatching(message),
  });

describe("parseMasterKeys", () => {
  it("parses a single base64 key with the first 8 hex characters of its SHA-256 as id", () => {
    const encoded = generateMasterKey();
    const key = Buffer.from(encoded, "base64");
    const keyring = parseMasterKeys(encoded);
    const id = createHash("sha256").update(key).digest("hex").slice(0, 8);
    expect(keyring.active.id).toBe(id);
    expect(masterKeyId(key)).toBe(id);
    expect(keyring.active.key.equals(key)).toBe(true);
    expect([...keyring.byId.keys()]).toEqual([id]);
  });

  it("parses a kid:key list with the first entry active and all entries able to open", () => {
    const [a, b, c] = [generateMasterKey(), generateMasterKey(), generateMasterKey()];
    const keyring = parseMasterKeys(` new:${a}, old:${b} ,${c}\n`);
    expect(keyring.active.id).toBe("new");
    expect(keyring.active.key.toString("base64")).toBe(a);
    expect([...keyring.byId.keys()]).toEqual(["new", "old", masterKeyId(Buffer.from(c, "base64"))]);
    expect(keyring.byId.get("old")?.toString("base64")).toBe(b);
  });

  it("generates 32 random bytes as standard base64", () => {
    const encoded = generateMasterKey();
    expect(encoded).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(generateMasterKey()).not.toBe(encoded);
  });

  it("rejects bad base64 without echoing the value", () => {
    const value = "this-is-not_base64!!";
    let thrown: unknown;
    try {
      parseMasterKeys(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toEqual(invalid(/^master key is not standard base64/));
    expect((thrown as Error).message).not.toContain(value);
  });

  it("rejects base64url, which is not the documented format", () => {
    const urlSafe = Buffer.alloc(32, 0xfb).toString("base64url");
    expect(() => parseMasterKeys(urlSafe)).toThrow(invalid(/not standard base64/));
  });

  it("rejects a key of the wrong length, naming the length", () => {
    const short = Buffer.alloc(16, 1).toString("base64");
    expect(() => parseMasterKeys(short)).toThrow(invalid(/must decode to 32 bytes, not 16$/));
    expect(() => parseMasterKeys(`a:${generateMasterKey()},b:${short}`)).toThrow(
      invalid(/^master key entry 2 \("b"\) must decode to 32 bytes/),
    );
  });

  it("rejects a repeated key id, including the same key given twice", () => {
    const [a, b] = [generateMasterKey(), generateMasterKey()];
    expect(() => parseMasterKeys(`k1:${a},k1:${b}`)).toThrow(invalid(/entry 2 repeats key id "k1"/));
    expect(() => parseMasterKeys(`${a},${a}`)).toThrow(invalid(/entry 2 repeats key id/));
  });

  it("rejects empty values, empty entries and invalid key ids", () => {
    const key = generateMasterKey();
    expect(() => parseMasterKeys("")).toThrow(invalid(/^master key is empty/));
    expect(() => parseMasterKeys(`a:${key},`)).toThrow(invalid(/entry 2 is empty/));
    expect(() => parseMasterKeys(`a.b:${key}`)).toThrow(invalid(/invalid key id/));
    expect(() => parseMasterKeys(`:${key}`)).toThrow(invalid(/invalid key id/));
    expect(() => parseMasterKeys("a:")).toThrow(invalid(/not standard base64/));
  });
});
