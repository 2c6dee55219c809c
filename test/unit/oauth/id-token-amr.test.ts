import { describe, expect, it } from "vitest";
import { buildIdTokenClaims } from "../../../server/oauth/id-token-claims.ts";

const base = { issuer: "https://latch.test", subject: "u1", clientId: "c1", authTime: new Date(0), now: new Date(0) };

describe("ID token amr (OIDC Core §2, RFC 8176)", () => {
  it("carries the methods given, omits an empty list, and user claims cannot set it", () => {
    const claims = buildIdTokenClaims({ ...base, ttlSeconds: 60, amr: ["pwd", "otp", "mfa"] });
    expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);
    expect("amr" in buildIdTokenClaims({ ...base, ttlSeconds: 60, amr: [] })).toBe(false);
    expect(buildIdTokenClaims({ ...base, ttlSeconds: 60, claims: { amr: ["hwk"] } }).amr).toBeUndefined();
  });
});
