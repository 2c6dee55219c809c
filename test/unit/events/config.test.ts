import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../server/config.ts";

describe("webhook worker settings", () => {
  it("default to a worker in the process, no private receivers, 90 days of retention and 5 failed events", () => {
    expect(loadConfig({})).toMatchObject({
      runWorker: true,
      allowPrivateWebhooks: false,
      eventRetentionDays: 90,
      webhookDisableAfterFailures: 5,
    });
  });

  it("read LATCH_RUN_WORKER, LATCH_ALLOW_PRIVATE_WEBHOOKS, LATCH_EVENT_RETENTION_DAYS and LATCH_WEBHOOK_DISABLE_AFTER_FAILURES", () => {
    expect(
      loadConfig({
        LATCH_RUN_WORKER: "false",
        LATCH_ALLOW_PRIVATE_WEBHOOKS: "true",
        LATCH_EVENT_RETENTION_DAYS: "0",
        LATCH_WEBHOOK_DISABLE_AFTER_FAILURES: "12",
      }),
    ).toMatchObject({
      runWorker: false,
      allowPrivateWebhooks: true,
      eventRetentionDays: 0,
      webhookDisableAfterFailures: 12,
    });
  });

  it.each([
    ["LATCH_RUN_WORKER", "yes", /must be true or false/],
    ["LATCH_ALLOW_PRIVATE_WEBHOOKS", "1", /must be true or false/],
    ["LATCH_EVENT_RETENTION_DAYS", "-1", /LATCH_EVENT_RETENTION_DAYS/],
    ["LATCH_EVENT_RETENTION_DAYS", "1.5", /whole number of days/],
    ["LATCH_WEBHOOK_DISABLE_AFTER_FAILURES", "0", /LATCH_WEBHOOK_DISABLE_AFTER_FAILURES/],
  ])("refuses %s=%s naming the variable", (variable, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(message);
  });
});
