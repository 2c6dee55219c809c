import type { EntityManager } from "@mikro-orm/postgresql";
import { hashSecret } from "../crypto/sha256.ts";
import { nativePool, query, type Statement } from "./native-pool.ts";

/**
 * Sliding-window rate limiting shared by every replica (exact: at most `limit` allowed events in any `windowMs`),
 * used by the login throttle (`services/sessions/login-throttle.ts`) to slow password guessing and bound argon2 work. The events live in
 * PostgreSQL (an UNLOGGED table and one function, migration `shared_rate_limit`), so N replicas allow `limit`
 * across the fleet, not N × `limit`; one statement per attempt, atomic per key.
 */

export type RateLimitDecision = {
  readonly allowed: boolean;
  /** When refused, whole seconds until the next attempt can be allowed (at least 1); 0 when allowed. */
  readonly retryAfterSeconds: number;
};

export type RateLimiter = {
  /** Counts one event for `key` at `now` when allowed; a refused attempt is not counted. */
  consume(key: string, now: Date): Promise<RateLimitDecision>;
  /**
   * Takes back the one event an allowed `consume(key, at)` counted: a limit on failures counts each attempt before
   * its outcome is known (so concurrent attempts cannot all slip under it), and gives the slot back on success.
   */
  release(key: string, at: Date): Promise<void>;
  /** Forgets every event of `key` (an account's failures, once it signs in). */
  reset(key: string): Promise<void>;
};

export type RateLimiterOptions = {
  /** Keeps limiters apart in the shared table: the key is stored as `name:` + its SHA-256. */
  readonly name: string;
  readonly limit: number;
  /** At most an hour: older attempts are swept whatever their window. */
  readonly windowMs: number;
};

const CONSUME: Statement = {
  name: "latch_consume_rate_limit",
  text: `select allowed, retry_after_ms
    from latch_consume_rate_limit($1, $2, $3::double precision * interval '1 millisecond', $4)`,
};

const RELEASE: Statement = {
  name: "latch_release_rate_limit",
  text: `delete from rate_limit_events
    where ctid = (select ctid from rate_limit_events where key = $1 and at = $2 limit 1)`,
};

const RESET: Statement = { name: "latch_reset_rate_limit", text: "delete from rate_limit_events where key = $1" };

/**
 * Creates a limiter over `em`'s database.
 *
 * @example
 * ```ts
 * const perIp = createRateLimiter(em, { name: "login-ip", limit: 20, windowMs: 60_000 });
 * const { allowed, retryAfterSeconds } = await perIp.consume(ip, new Date());
 * ```
 */
export function createRateLimiter(em: EntityManager, options: RateLimiterOptions): RateLimiter {
  const { name, limit, windowMs } = options;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError("limit must be a positive integer");
  if (!(windowMs > 0 && windowMs <= 3_600_000)) throw new RangeError("windowMs must be positive and at most an hour");
  // Hashed: a fixed-size key whatever was typed (a NUL byte included), and no address or IP stored in the clear.
  const stored = (key: string) => `${name}:${hashSecret(key)}`;
  return {
    async release(key, at) {
      await query(await nativePool(em), RELEASE, [stored(key), at]);
    },
    async reset(key) {
      await query(await nativePool(em), RESET, [stored(key)]);
    },
    async consume(key, now) {
      const [row] = await query<{ allowed: boolean; retry_after_ms: number }>(await nativePool(em), CONSUME, [
        stored(key),
        now,
        windowMs,
        limit,
      ]);
      if (row?.allowed) return { allowed: true, retryAfterSeconds: 0 };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((row?.retry_after_ms ?? windowMs) / 1000)) };
    },
  };
}
