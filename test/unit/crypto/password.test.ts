import { describe, expect, it } from "vitest";
import {
  hashPassword,
  MAX_PASSWORD_LENGTH,
  verifyPassword,
  verifyPasswordAgainstNothing,
} from "../../../server/crypto/password.ts";

const tooLong = expect.objectContaining({ name: "CryptoError", code: "ERR_PASSWORD_TOO_LONG" });

describe("hashPassword / verifyPassword", () => {
  it("hashes with argon2id at the OWASP parameters and verifies the right password only", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(hash, "correct horse battery stapler")).toBe(false);
  });

  it("salts each hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("accepts a password of exactly the maximum length", async () => {
    const password = "x".repeat(MAX_PASSWORD_LENGTH);
    expect(await verifyPassword(await hashPassword(password), password)).toBe(true);
  });

  it("refuses a password over the maximum length before hashing or verifying", async () => {
    const password = "x".repeat(MAX_PASSWORD_LENGTH + 1);
    await expect(hashPassword(password)).rejects.toThrow(tooLong);
    const hash = await hashPassword("short");
    await expect(verifyPassword(hash, password)).rejects.toThrow(tooLong);
    await expect(verifyPasswordAgainstNothing(password)).rejects.toThrow(tooLong);
  });

  it("refuses a stored hash that is not argon2id", async () => {
    const invalid = expect.objectContaining({ code: "ERR_PASSWORD_HASH_INVALID" });
    await expect(verifyPassword("$2b$10$abcdefghijklmnopqrstuv", "pw")).rejects.toThrow(invalid);
    await expect(verifyPassword("$argon2id$garbage", "pw")).rejects.toThrow(invalid);
  });
});

describe("verifyPasswordAgainstNothing", () => {
  it("always resolves to false", async () => {
    expect(await verifyPasswordAgainstNothing("anything")).toBe(false);
    expect(await verifyPasswordAgainstNothing("")).toBe(false);
  });
});
