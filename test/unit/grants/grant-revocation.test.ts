import { describe, expect, it } from "vitest";
import { grantRevocation, REVOKED_BY_ORGANIZATION } from "../../../server/services/grants/grant-revocation.ts";

const created = new Date("2026-11-01T10:00:00Z");
const before = new Date("2026-11-02T10:00:00Z");

describe("grantRevocation", () => {
  it("stands when neither its row nor its app revoked it", () => {
    expect(grantRevocation({ createdAt: created, revokedAt: null }, null)).toBeNull();
  });

  it("is its row's revocation when the row has one, whatever the app says", () => {
    const own = new Date("2026-11-01T12:00:00Z");
    expect(grantRevocation({ createdAt: created, revokedAt: own, revokedReason: "user_disconnected" }, before)).toEqual(
      {
        at: own,
        reason: "user_disconnected",
      },
    );
    expect(grantRevocation({ createdAt: created, revokedAt: own }, null)).toEqual({ at: own, reason: null });
  });

  it("is the app-wide revocation for a grant created before it, dated and worded as the worker will mark the row", () => {
    expect(grantRevocation({ createdAt: created, revokedAt: null }, before)).toEqual({
      at: before,
      reason: REVOKED_BY_ORGANIZATION,
    });
  });

  it("leaves a grant given at or after the app-wide revocation standing", () => {
    expect(grantRevocation({ createdAt: before, revokedAt: null }, before)).toBeNull();
    expect(grantRevocation({ createdAt: new Date(before.getTime() + 1), revokedAt: null }, before)).toBeNull();
  });
});
