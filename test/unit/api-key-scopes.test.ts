import { describe, expect, it } from "vitest";
import { apiKeyAllows } from "../../server/services/api-key-scopes.ts";

describe("API key scopes", () => {
  it("lets admin do everything", () => {
    for (const scope of [
      "apps:read",
      "apps:write",
      "grants:read",
      "grants:write",
      "webhooks:write",
      "admin",
    ] as const) {
      expect(apiKeyAllows(["admin"], scope)).toBe(true);
    }
  });

  it("lets x:write read x too, but never the other way round or across kinds", () => {
    expect(apiKeyAllows(["apps:write"], "apps:read")).toBe(true);
    expect(apiKeyAllows(["grants:write"], "grants:read")).toBe(true);
    expect(apiKeyAllows(["apps:read"], "apps:write")).toBe(false);
    expect(apiKeyAllows(["apps:write"], "grants:read")).toBe(false);
    expect(apiKeyAllows(["grants:read"], "admin")).toBe(false);
    expect(apiKeyAllows([], "apps:read")).toBe(false);
  });
});
