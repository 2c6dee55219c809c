import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../../server/http/rate-limit.ts";

describe("createRateLimiter", () => {
  it("allows `limit` events per window and refuses the next with the seconds to wait", () => {
    const limiter = createRateLimiter({ limit: 5, windowMs: 60_000 });
    const start = 1_000_000;
    for (let i = 0; i < 5; i++) expect(limiter.consume("a", start + i * 1000).allowed).toBe(true);
    expect(limiter.consume("a", start + 10_000)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect(limiter.consume("b", start + 10_000).allowed).toBe(true);
  });

  it("slides: each event frees a slot exactly one window after it", () => {
    const limiter = createRateLimiter({ limit: 2, windowMs: 10_000 });
    expect(limiter.consume("k", 0).allowed).toBe(true);
    expect(limiter.consume("k", 5_000).allowed).toBe(true);
    expect(limiter.consume("k", 9_999)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.consume("k", 10_000).allowed).toBe(true);
    expect(limiter.consume("k", 10_001)).toEqual({ allowed: false, retryAfterSeconds: 5 });
    expect(limiter.consume("k", 15_000).allowed).toBe(true);
  });

  it("does not count refused attempts", () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 1_000 });
    expect(limiter.consume("k", 0).allowed).toBe(true);
    for (let t = 1; t < 1_000; t += 100) expect(limiter.consume("k", t).allowed).toBe(false);
    expect(limiter.consume("k", 1_000).allowed).toBe(true);
  });

  it("forgets keys whose events have left the window", () => {
    const limiter = createRateLimiter({ limit: 3, windowMs: 1_000 });
    for (let i = 0; i < 100; i++) limiter.consume(`key-${i}`, i);
    expect(limiter.size).toBe(100);
    limiter.consume("late", 5_000);
    expect(limiter.size).toBe(1);
  });

  it("caps memory at maxKeys by evicting the least recently active key", () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 3 });
    limiter.consume("a", 0);
    limiter.consume("b", 1);
    limiter.consume("c", 2);
    limiter.consume("d", 3);
    expect(limiter.size).toBe(3);
    // "a" was evicted, so it starts afresh; "d" is still counted.
    expect(limiter.consume("a", 4).allowed).toBe(true);
    expect(limiter.consume("d", 5).allowed).toBe(false);
  });

  it("rejects nonsensical options", () => {
    expect(() => createRateLimiter({ limit: 0, windowMs: 1 })).toThrow(RangeError);
    expect(() => createRateLimiter({ limit: 1, windowMs: 0 })).toThrow(RangeError);
  });
});
