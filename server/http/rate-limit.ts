/**
 * In-memory sliding-window rate limiting (exact: at most `limit` allowed events in any `windowMs`), used per IP
 * and per account on login to slow password guessing and bound argon2 work.
 *
 * In-process only: each replica counts separately, so N replicas allow up to N × `limit` across the fleet. That
 * still bounds guessing per replica; a shared limiter (PostgreSQL or Redis) is the step up if it ever matters.
 */

export type RateLimitDecision = {
  readonly allowed: boolean;
  /** When refused, whole seconds until the next attempt can be allowed (at least 1); 0 when allowed. */
  readonly retryAfterSeconds: number;
};

export type RateLimiter = {
  /** Counts one event for `key` at `now` (ms since the epoch) when allowed; a refused attempt is not counted. */
  consume(key: string, now: number): RateLimitDecision;
  /** Keys currently tracked (for tests and metrics). */
  readonly size: number;
};

export type RateLimiterOptions = {
  readonly limit: number;
  readonly windowMs: number;
  /** Most keys kept; beyond it the least recently active key is forgotten. Default 100 000. */
  readonly maxKeys?: number;
};

/**
 * Creates a limiter. Memory is bounded: each key holds at most `limit` timestamps; keys whose newest event has
 * left the window are swept as other keys are touched; and at `maxKeys` the least recently active key is
 * evicted (a flood of distinct keys can thus make the limiter forget a key early, never use unbounded memory).
 *
 * @example
 * ```ts
 * const perIp = createRateLimiter({ limit: 20, windowMs: 60_000 });
 * const { allowed, retryAfterSeconds } = perIp.consume(ip, Date.now());
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs } = options;
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError("limit must be a positive integer");
  if (!(windowMs > 0)) throw new RangeError("windowMs must be positive");
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError("maxKeys must be a positive integer");
  // Insertion order is the order of each key's newest counted event, so the front holds the stalest keys.
  const events = new Map<string, number[]>();

  function sweep(now: number): void {
    for (const [key, times] of events) {
      const newest = times[times.length - 1];
      if (newest !== undefined && newest > now - windowMs) break;
      events.delete(key);
    }
  }

  return {
    consume(key, now) {
      sweep(now);
      const times = (events.get(key) ?? []).filter((time) => time > now - windowMs);
      if (times.length >= limit) {
        if (times.length > 0) events.set(key, times);
        const oldest = times[0]!;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
      }
      times.push(now);
      events.delete(key);
      while (events.size >= maxKeys) {
        const stalest = events.keys().next().value;
        if (stalest === undefined) break;
        events.delete(stalest);
      }
      events.set(key, times);
      return { allowed: true, retryAfterSeconds: 0 };
    },
    get size() {
      return events.size;
    },
  };
}
