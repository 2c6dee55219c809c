/**
 * The Standard Webhooks retry schedule: the delay before each attempt, the first being immediate. After the eighth
 * attempt fails the event is given up on for that endpoint (about 28 hours after it was first sent).
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export const STANDARD_WEBHOOKS_SCHEDULE_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  5 * 3600_000,
  10 * 3600_000,
  10 * 3600_000,
];

/** Each delay is spread by up to this fraction either way, so endpoints that failed together are not retried together. */
export const RETRY_JITTER = 0.2;

/**
 * How long to wait after attempt `attempt` (1-based) failed before the next one, with jitter; null when the
 * schedule is exhausted and the event is given up on.
 *
 * @example
 * ```ts
 * nextRetryDelay(1, STANDARD_WEBHOOKS_SCHEDULE_MS); // ≈ 5 s (4–6 s)
 * nextRetryDelay(8, STANDARD_WEBHOOKS_SCHEDULE_MS); // null
 * ```
 */
export function nextRetryDelay(
  attempt: number,
  schedule: readonly number[] = STANDARD_WEBHOOKS_SCHEDULE_MS,
  random: () => number = Math.random,
): number | null {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  const base = schedule[attempt];
  if (base === undefined) return null;
  return Math.max(0, Math.round(base * (1 + RETRY_JITTER * (2 * random() - 1))));
}
