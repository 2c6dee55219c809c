import { describe, expect, it } from "vitest";
import { pooledRandomBytes } from "../../../server/crypto/random-pool.ts";

describe("pooledRandomBytes", () => {
  it("hands out bytes once: 1,000 draws of 32 (several refills) are all distinct", () => {
    const draws = Array.from({ length: 1000 }, () => pooledRandomBytes(32).toString("hex"));
    expect(new Set(draws).size).toBe(1000);
    expect(draws.every((hex) => hex.length === 64)).toBe(true);
  });

  it("gives the caller its own copy, which later draws do not overwrite", () => {
    const first = pooledRandomBytes(32);
    const kept = Buffer.from(first);
    for (let i = 0; i < 300; i++) pooledRandomBytes(32);
    expect(first.equals(kept)).toBe(true);
  });

  it("serves sizes that do not divide the pool, and sizes larger than it", () => {
    expect(pooledRandomBytes(17)).toHaveLength(17);
    expect(pooledRandomBytes(5000)).toHaveLength(5000);
    const bits = Buffer.concat(Array.from({ length: 200 }, () => pooledRandomBytes(33)));
    // Roughly half the bits set: not a run of zeros or a constant.
    let ones = 0;
    for (const byte of bits) for (let b = 0; b < 8; b++) ones += (byte >> b) & 1;
    expect(ones / (bits.length * 8)).toBeGreaterThan(0.45);
    expect(ones / (bits.length * 8)).toBeLessThan(0.55);
  });
});
