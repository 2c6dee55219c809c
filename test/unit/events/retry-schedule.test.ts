import { describe, expect, it } from "vitest";
import { nextRetryDelay, RETRY_JITTER, STANDARD_WEBHOOKS_SCHEDULE_MS } from "../../../server/events/retry-schedule.ts";

describe("the retry schedule", () => {
  it("is Standard Webhooks': immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h", () => {
    expect(STANDARD_WEBHOOKS_SCHEDULE_MS).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
  });

  it("waits the next delay after each failed attempt, spread by the jitter either way", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) =>
      nextRetryDelay(attempt, STANDARD_WEBHOOKS_SCHEDULE_MS, () => 0.5),
    );
    expect(delays).toEqual(STANDARD_WEBHOOKS_SCHEDULE_MS.slice(1));
    expect(nextRetryDelay(1, STANDARD_WEBHOOKS_SCHEDULE_MS, () => 0)).toBe(5_000 * (1 - RETRY_JITTER));
    expect(nextRetryDelay(1, STANDARD_WEBHOOKS_SCHEDULE_MS, () => 0.999999)).toBeCloseTo(
      5_000 * (1 + RETRY_JITTER),
      -1,
    );
    for (let i = 0; i < 200; i++) {
      const delay = nextRetryDelay(3, STANDARD_WEBHOOKS_SCHEDULE_MS)!;
      expect(delay).toBeGreaterThanOrEqual(1_800_000 * 0.8);
      expect(delay).toBeLessThanOrEqual(1_800_000 * 1.2);
    }
  });

  it("gives up after the eighth attempt, about 28 hours in", () => {
    expect(nextRetryDelay(8)).toBeNull();
    const total = STANDARD_WEBHOOKS_SCHEDULE_MS.reduce((sum, delay) => sum + delay, 0);
    expect(total / 3_600_000).toBeCloseTo(27.6, 1);
    expect(() => nextRetryDelay(0)).toThrow(RangeError);
  });
});
