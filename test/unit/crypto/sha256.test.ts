import { describe, expect, it } from "vitest";
import { hashSecret, safeEqual } from "../../../server/crypto/sha256.ts";

describe("hashSecret", () => {
  it("returns the lowercase hex SHA-256 of the UTF-8 secret", () => {
    expect(hashSecret("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashSecret("é")).toBe(hashSecret("\u00e9"));
    expect(hashSecret("latch_ak_x")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("safeEqual", () => {
  it("is true only for identical strings", () => {
    expect(safeEqual("latch_cs_abc", "latch_cs_abc")).toBe(true);
    expect(safeEqual("", "")).toBe(true);
    expect(safeEqual("latch_cs_abc", "latch_cs_abd")).toBe(false);
  });

  it("is false for strings of different lengths, without throwing", () => {
    expect(safeEqual("abc", "abcd")).toBe(false);
    expect(safeEqual("", "a")).toBe(false);
  });

  it("compares UTF-8 bytes, so strings of equal UTF-16 length but different bytes differ", () => {
    expect(safeEqual("é", "e")).toBe(false);
    expect(safeEqual("日本", "日本")).toBe(true);
  });
});
