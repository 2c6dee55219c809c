import { describe, expect, it } from "vitest";
import { decideRefresh, type StoredRefreshToken } from "../../../server/oauth/grants/refresh-token.ts";

const NOW = new Date("2025-06-01T12:00:00Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const token = (overrides: Partial<StoredRefreshToken> = {}): StoredRefreshToken => ({
  applicationId: "app-1",
  scopes: ["identify", "email", "all"],
  expiresAt: new Date(NOW.getTime() + 86_400_000),
  rotatedAt: null,
  revokedAt: null,
  grantRevoked: false,
  ...overrides,
});

function decide(stored: StoredRefreshToken | null, overrides: Partial<Parameters<typeof decideRefresh>[0]> = {}) {
  return decideRefresh({
    token: stored,
    clientApplicationId: "app-1",
    requestedScopes: [],
    reuseIntervalSeconds: 10,
    now: NOW,
    ...overrides,
  });
}

const rejected = (code: string, description: RegExp) => ({
  outcome: "reject",
  error: expect.objectContaining({ code, description: expect.stringMatching(description) }),
});

describe("decideRefresh", () => {
  it("rotates with the token's scopes when none are requested", () => {
    expect(decide(token())).toEqual({ outcome: "rotate", scopes: ["identify", "email", "all"] });
    expect(decide(token({ expiresAt: null }))).toEqual({ outcome: "rotate", scopes: ["identify", "email", "all"] });
  });

  it("narrows to requested scopes within the granted ones, all expanded", () => {
    expect(decide(token(), { requestedScopes: ["identify", "chat:write"] })).toEqual({
      outcome: "rotate",
      scopes: ["identify", "chat:write"],
    });
  });

  it("refuses scopes beyond the token's with invalid_scope", () => {
    expect(decide(token(), { requestedScopes: ["identify", "guilds"] })).toEqual(
      rejected("invalid_scope", /scope "guilds" exceeds/),
    );
  });

  it("rejects an unknown token or one of another client alike", () => {
    expect(decide(null)).toEqual(rejected("invalid_grant", /invalid or was issued to another client/));
    expect(decide(token(), { clientApplicationId: "app-2" })).toEqual(
      rejected("invalid_grant", /invalid or was issued to another client/),
    );
  });

  it("rejects a revoked token, a revoked grant and an expired token", () => {
    expect(decide(token({ revokedAt: ago(1) }))).toEqual(rejected("invalid_grant", /revoked/));
    expect(decide(token({ grantRevoked: true }))).toEqual(rejected("invalid_grant", /revoked/));
    expect(decide(token({ expiresAt: NOW }))).toEqual(rejected("invalid_grant", /expired/));
  });

  it("grace within the reuse interval, reuse detected after it", () => {
    expect(decide(token({ rotatedAt: ago(10_000) }))).toEqual({
      outcome: "grace",
      scopes: ["identify", "email", "all"],
    });
    expect(decide(token({ rotatedAt: ago(10_001) }))).toEqual({
      outcome: "reuse_detected",
      error: expect.objectContaining({
        code: "invalid_grant",
        description: expect.stringMatching(/already been used/),
      }),
    });
  });

  it("detects reuse at once when the interval is zero", () => {
    expect(decide(token({ rotatedAt: NOW }), { reuseIntervalSeconds: 0 })).toMatchObject({ outcome: "reuse_detected" });
  });

  it("counts a rotation stamped slightly in the future (another replica's clock) as within the interval", () => {
    expect(decide(token({ rotatedAt: new Date(NOW.getTime() + 500) }))).toMatchObject({ outcome: "grace" });
  });

  it("detects reuse before looking at the requested scopes", () => {
    expect(decide(token({ rotatedAt: ago(60_000) }), { requestedScopes: ["guilds"] })).toMatchObject({
      outcome: "reuse_detected",
    });
  });
});
