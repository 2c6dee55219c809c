import type { EntityManager } from "@mikro-orm/postgresql";
import { createRateLimiter, type RateLimiter } from "../../db/rate-limit.ts";

/**
 * Login throttling on **failures**, not attempts (#20 item 14): an office behind one address, or a person signing in
 * to several apps in a minute, is never refused for signing in successfully.
 *
 * - Failures per account (the normalized email, whether or not it has an account) and per client address, each in
 *   tiers of growing windows: the lockout grows from a minute to a quarter of an hour to an hour as failures pile up.
 * - A success resets the account's failures; it does not erase the address's other failures (an attacker holding one
 *   valid account must not wipe the count of an address guessing at others), only the slot of its own attempt.
 * - A far higher ceiling on all attempts per address, successes included, bounds the argon2 work of credential
 *   stuffing with passwords that do work.
 *
 * Every attempt takes its failure slots before the password is checked, so concurrent guesses cannot all slip under
 * the limit; a success gives them back. A refused attempt costs nothing and counts nowhere.
 */

export type ThrottleTier = { readonly limit: number; readonly windowMs: number };

export type LoginThrottlePolicy = {
  /** All attempts per client address, successes included. */
  readonly attemptsPerAddress: ThrottleTier;
  readonly failuresPerAddress: readonly ThrottleTier[];
  readonly failuresPerAccount: readonly ThrottleTier[];
};

const MINUTE = 60_000;

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  attemptsPerAddress: { limit: 300, windowMs: MINUTE },
  failuresPerAddress: [
    { limit: 20, windowMs: MINUTE },
    { limit: 100, windowMs: 60 * MINUTE },
  ],
  failuresPerAccount: [
    { limit: 5, windowMs: MINUTE },
    { limit: 10, windowMs: 15 * MINUTE },
    { limit: 20, windowMs: 60 * MINUTE },
  ],
};

export type LoginAttempt = {
  /** The client address (see `client-ip.ts`). */
  readonly address: string;
  /** The normalized email. */
  readonly account: string;
};

export type LoginAdmission =
  | { readonly allowed: false; readonly retryAfterSeconds: number }
  | {
      readonly allowed: true;
      /** Call when the password was right: resets the account's failures, gives back the address's slot. */
      succeeded(): Promise<void>;
    };

export type LoginThrottle = {
  /** Before checking a password: refuses (with the seconds to wait) or admits the attempt, counted as a failure. */
  admit(attempt: LoginAttempt, now: Date): Promise<LoginAdmission>;
};

type Slot = { readonly limiter: RateLimiter; readonly key: string };

export function createLoginThrottle(
  em: EntityManager,
  policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE,
): LoginThrottle {
  const tiered = (name: string, tiers: readonly ThrottleTier[]) =>
    tiers.map((tier) => createRateLimiter(em, { name: `${name}-${tier.windowMs}`, ...tier }));
  const attempts = createRateLimiter(em, { name: "login-attempts-ip", ...policy.attemptsPerAddress });
  const addressFailures = tiered("login-failures-ip", policy.failuresPerAddress);
  const accountFailures = tiered("login-failures-account", policy.failuresPerAccount);

  return {
    async admit({ address, account }, now) {
      const addressKey = `ip:${address}`;
      const accountKey = `email:${account}`;
      const addressSlots: Slot[] = addressFailures.map((limiter) => ({ limiter, key: addressKey }));
      const accountSlots: Slot[] = accountFailures.map((limiter) => ({ limiter, key: accountKey }));
      const slots: Slot[] = [{ limiter: attempts, key: addressKey }, ...addressSlots, ...accountSlots];
      const decisions = await Promise.all(slots.map(({ limiter, key }) => limiter.consume(key, now)));
      const refused = decisions.filter((decision) => !decision.allowed);
      if (refused.length > 0) {
        await Promise.all(
          slots.flatMap(({ limiter, key }, i) => (decisions[i]!.allowed ? [limiter.release(key, now)] : [])),
        );
        return { allowed: false, retryAfterSeconds: Math.max(...refused.map((d) => d.retryAfterSeconds)) };
      }
      return {
        allowed: true,
        async succeeded() {
          await Promise.all([
            ...addressSlots.map(({ limiter, key }) => limiter.release(key, now)),
            ...accountSlots.map(({ limiter, key }) => limiter.reset(key)),
          ]);
        },
      };
    },
  };
}
