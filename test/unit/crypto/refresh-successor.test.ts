import { describe, expect, it } from "vitest";
import { parseMasterKeys } from "../../../server/crypto/master-key.ts";
import { hasValidChecksum, mintSecret } from "../../../server/crypto/prefixed-secret.ts";
import { successorKeyOf, successorRefreshToken } from "../../../server/services/oauth/refresh-successor.ts";

const keyring = (byte: number) => parseMasterKeys(Buffer.alloc(32, byte).toString("base64"));

describe("a refresh token's successor", () => {
  it("is one token per presented token and key: a well-formed latch_rt_ secret with a valid checksum", () => {
    const key = successorKeyOf(keyring(1));
    const parent = mintSecret("latch_rt_");
    const successor = successorRefreshToken(key, parent);
    expect(successor).toMatch(/^latch_rt_[0-9A-Za-z]{49}$/);
    expect(hasValidChecksum(successor)).toBe(true);
    expect(successorRefreshToken(successorKeyOf(keyring(1)), parent)).toBe(successor);
    expect(successor).not.toBe(parent);
  });

  it("differs for another token, and under another master key, so nobody without the key can compute it", () => {
    const parent = mintSecret("latch_rt_");
    const successor = successorRefreshToken(successorKeyOf(keyring(1)), parent);
    expect(successorRefreshToken(successorKeyOf(keyring(1)), mintSecret("latch_rt_"))).not.toBe(successor);
    expect(successorRefreshToken(successorKeyOf(keyring(2)), parent)).not.toBe(successor);
  });
});
