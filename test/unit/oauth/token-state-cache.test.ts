import { describe, expect, it } from "vitest";
import { TokenStateCache } from "../../../server/services/oauth/token-state-cache.ts";

describe("TokenStateCache", () => {
  it("holds nothing until enabled, and empties when disabled", () => {
    const cache = new TokenStateCache<string>();
    cache.put("a", "row", cache.generation);
    expect(cache.get("a")).toBeUndefined();
    cache.enable();
    cache.put("a", "row", cache.generation);
    expect(cache.get("a")).toBe("row");
    cache.disable();
    expect(cache.get("a")).toBeUndefined();
    cache.enable();
    expect(cache.get("a")).toBeUndefined();
  });

  it("does not store a row read before a clear (a read that raced a change)", () => {
    const cache = new TokenStateCache<string>();
    cache.enable();
    const before = cache.generation;
    cache.clear();
    cache.put("a", "stale", before);
    expect(cache.get("a")).toBeUndefined();
    cache.put("a", "fresh", cache.generation);
    expect(cache.get("a")).toBe("fresh");
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it("forgets an entry after 30 s even if no change is reported, and drops the oldest past 10,000", () => {
    const cache = new TokenStateCache<number>();
    cache.enable();
    cache.put("old", 1, cache.generation, 1_000);
    expect(cache.get("old", 31_000)).toBe(1);
    expect(cache.get("old", 31_001)).toBeUndefined();
    for (let i = 0; i <= 10_000; i++) cache.put(`k${i}`, i, cache.generation, 50_000);
    expect(cache.size).toBe(10_000);
    expect(cache.get("k0", 50_000)).toBeUndefined();
    expect(cache.get("k10000", 50_000)).toBe(10_000);
  });
});
