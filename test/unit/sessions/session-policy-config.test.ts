import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_SESSION_POLICY, loadConfig } from "../../../server/config.ts";

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("session timeouts (LATCH_SESSION_IDLE_TIMEOUT, LATCH_SESSION_ABSOLUTE_TIMEOUT)", () => {
  it("defaults to 7 days idle and 30 days absolute", () => {
    expect(loadConfig({}).sessionPolicy).toEqual({
      idleTimeoutMs: 7 * 86_400_000,
      absoluteTimeoutMs: 30 * 86_400_000,
    });
    expect(DEFAULT_SESSION_POLICY.idleTimeoutMs).toBeLessThan(DEFAULT_SESSION_POLICY.absoluteTimeoutMs);
  });

  it("reads bare seconds and s, m, h, d units", () => {
    expect(
      loadConfig({ LATCH_SESSION_IDLE_TIMEOUT: "90", LATCH_SESSION_ABSOLUTE_TIMEOUT: "2h" }).sessionPolicy,
    ).toEqual({ idleTimeoutMs: 90_000, absoluteTimeoutMs: 7_200_000 });
    expect(loadConfig({ LATCH_SESSION_IDLE_TIMEOUT: "30m" }).sessionPolicy.idleTimeoutMs).toBe(1_800_000);
    expect(loadConfig({ LATCH_SESSION_ABSOLUTE_TIMEOUT: "14d" }).sessionPolicy.absoluteTimeoutMs).toBe(14 * 86_400_000);
  });

  it("names the variable of a malformed, zero or too long duration", () => {
    expect(problem({ LATCH_SESSION_IDLE_TIMEOUT: "7 days" })).toMatch(/LATCH_SESSION_IDLE_TIMEOUT must be a whole/);
    expect(problem({ LATCH_SESSION_IDLE_TIMEOUT: "0s" })).toMatch(/LATCH_SESSION_IDLE_TIMEOUT must be between/);
    expect(problem({ LATCH_SESSION_ABSOLUTE_TIMEOUT: "400d" })).toMatch(
      /LATCH_SESSION_ABSOLUTE_TIMEOUT must be between/,
    );
  });

  it("refuses an idle timeout longer than the absolute one", () => {
    expect(problem({ LATCH_SESSION_IDLE_TIMEOUT: "2d", LATCH_SESSION_ABSOLUTE_TIMEOUT: "1d" })).toMatch(
      /LATCH_SESSION_IDLE_TIMEOUT makes the idle timeout longer/,
    );
    expect(problem({ LATCH_SESSION_ABSOLUTE_TIMEOUT: "1d" })).toMatch(/LATCH_SESSION_ABSOLUTE_TIMEOUT makes/);
  });
});
