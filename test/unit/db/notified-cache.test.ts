import { describe, expect, it } from "vitest";
import { NotifiedCache } from "../../../server/db/notified-cache.ts";
import { createTokenStateCache } from "../../../server/services/oauth/token-state-cache.ts";

const cacheOf = (forgotten: string[] = []) =>
  new NotifiedCache<string>({ ttlMs: 1000, maxEntries: 3, onForget: (key) => forgotten.push(key) });

describe("NotifiedCache", () => {
  it("holds nothing until enabled, and empties when disabled", () => {
    const cache = cacheOf();
    expect(cache.put("a", "row", cache.generation)).toBe(false);
    expect(cache.get("a")).toBeUndefined();
    cache.enable();
    expect(cache.put("a", "row", cache.generation)).toBe(true);
    expect(cache.get("a")).toBe("row");
    cache.disable();
    expect(cache.get("a")).toBeUndefined();
    cache.enable();
    expect(cache.get("a")).toBeUndefined();
  });

  it("does not store a value read before an invalidation (a read that raced a change)", () => {
    const cache = cacheOf();
    cache.enable();
    for (const change of [() => cache.clear(), () => cache.invalidate("other"), () => cache.invalidate(undefined)]) {
      const before = cache.generation;
      change();
      expect(cache.put("a", "stale", before)).toBe(false);
      expect(cache.get("a")).toBeUndefined();
    }
    cache.put("a", "fresh", cache.generation);
    expect(cache.get("a")).toBe("fresh");
  });

  it("forgets an entry past its TTL, evicts the oldest past its size, and reports each entry that leaves", () => {
    const forgotten: string[] = [];
    const cache = cacheOf(forgotten);
    cache.enable();
    cache.put("a", "1", cache.generation, 0);
    expect(cache.get("a", 1000)).toBe("1");
    expect(cache.get("a", 1001)).toBeUndefined();
    for (const key of ["b", "c", "d", "e"]) cache.put(key, key, cache.generation, 2000);
    expect(cache.size).toBe(3);
    expect(cache.get("b", 2000)).toBeUndefined();
    cache.invalidate("c");
    expect(forgotten).toEqual(["a", "b", "c"]);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(forgotten).toEqual(["a", "b", "c"]);
  });

  it("the token-state cache forgets after 30 s and holds 10,000", () => {
    const cache = createTokenStateCache<number>();
    cache.enable();
    cache.put("old", 1, cache.generation, 1_000);
    expect(cache.get("old", 31_000)).toBe(1);
    expect(cache.get("old", 31_001)).toBeUndefined();
    for (let i = 0; i <= 10_000; i++) cache.put(`k${i}`, i, cache.generation, 50_000);
    expect(cache.size).toBe(10_000);
    expect(cache.get("k0", 50_000)).toBeUndefined();
  });
});
