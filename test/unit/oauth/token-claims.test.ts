import { describe, expect, it } from "vitest";
import {
  ACCESS_TOKEN_JWT_TYPE,
  buildAccessTokenClaims,
  readAccessTokenClaims,
} from "../../../server/oauth/access-token-claims.ts";
import { buildIdTokenClaims, computeAtHash } from "../../../server/oauth/id-token-claims.ts";

const NOW = new Date("2025-06-01T12:00:00.900Z");
const IAT = Math.floor(NOW.getTime() / 1000);

describe("buildAccessTokenClaims", () => {
  const input = {
    issuer: "https://latch.example",
    subject: "user-1",
    audience: "https://api.example",
    clientId: "app_1",
    scopes: ["identify", "email"],
    jti: "jti-1",
    now: NOW,
    ttlSeconds: 3600,
  };

  it("builds the RFC 9068 claims with typ at+jwt", () => {
    expect(ACCESS_TOKEN_JWT_TYPE).toBe("at+jwt");
    expect(buildAccessTokenClaims({ ...input, authTime: new Date("2025-06-01T11:00:00Z") })).toEqual({
      iss: "https://latch.example",
      sub: "user-1",
      aud: "https://api.example",
      client_id: "app_1",
      scope: "identify email",
      jti: "jti-1",
      iat: IAT,
      exp: IAT + 3600,
      auth_time: IAT - 3600,
    });
  });

  it("omits an empty scope and never lets extra claims overwrite registered ones", () => {
    const claims = buildAccessTokenClaims({ ...input, scopes: [], extra: { grant_id: "g1", sub: "x", scope: "all" } });
    expect(claims).toMatchObject({ grant_id: "g1", sub: "user-1" });
    expect(claims).not.toHaveProperty("scope");
  });

  it("round-trips through readAccessTokenClaims", () => {
    const claims = buildAccessTokenClaims({ ...input, extra: { grant_id: "g1" } });
    expect(readAccessTokenClaims(claims)).toEqual({
      jti: "jti-1",
      sub: "user-1",
      clientId: "app_1",
      scopes: ["identify", "email"],
      exp: IAT + 3600,
      iat: IAT,
      grantId: "g1",
    });
    expect(readAccessTokenClaims(buildAccessTokenClaims({ ...input, scopes: [] }))).not.toHaveProperty("grantId");
  });

  it("refuses a non-positive ttl", () => {
    expect(() => buildAccessTokenClaims({ ...input, ttlSeconds: 0 })).toThrow(RangeError);
  });
});

describe("readAccessTokenClaims", () => {
  const valid = { jti: "j", sub: "s", client_id: "c", scope: "identify", exp: 2, iat: 1 };

  it("refuses a payload with a missing or mistyped claim as invalid_token", () => {
    for (const [name, value] of [
      ["jti", undefined],
      ["sub", 1],
      ["client_id", ""],
      ["exp", "2"],
      ["iat", 1.5],
      ["scope", ["identify"]],
      ["scope", 'a"b'],
      ["grant_id", 7],
    ] as const) {
      expect(() => readAccessTokenClaims({ ...valid, [name]: value }), name).toThrow(
        expect.objectContaining({ code: "invalid_token", description: expect.stringContaining(`"${name}"`) }),
      );
    }
  });
});

describe("ID token claims", () => {
  it("computes at_hash as the base64url left half of SHA-256 (OIDC Core §3.1.3.6)", () => {
    // Example from OpenID Connect Core 1.0 Appendix A.3 (RS256 uses SHA-256 too).
    expect(computeAtHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y")).toBe("77QmUPtjPfzWtF2AnpK9RQ");
  });

  it("builds iss, sub, aud, iat, exp, auth_time, acr, nonce and at_hash, and keeps user claims from overriding them", () => {
    const claims = buildIdTokenClaims({
      issuer: "https://latch.example",
      subject: "user-1",
      clientId: "app_1",
      nonce: "n-0S6",
      authTime: new Date("2025-06-01T11:59:00Z"),
      now: NOW,
      ttlSeconds: 300,
      accessToken: "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y",
      claims: { email: "ada@example.com", aud: "evil", nonce: "forged" },
    });
    expect(claims).toEqual({
      email: "ada@example.com",
      iss: "https://latch.example",
      sub: "user-1",
      aud: "app_1",
      iat: IAT,
      exp: IAT + 300,
      auth_time: IAT - 60,
      acr: "urn:latch:acr:sfa",
      nonce: "n-0S6",
      at_hash: "77QmUPtjPfzWtF2AnpK9RQ",
    });
  });

  it("omits nonce and at_hash when not given", () => {
    const claims = buildIdTokenClaims({
      issuer: "i",
      subject: "s",
      clientId: "c",
      authTime: NOW,
      now: NOW,
      ttlSeconds: 60,
      claims: { nonce: "forged" },
    });
    expect(claims).not.toHaveProperty("nonce");
    expect(claims).not.toHaveProperty("at_hash");
  });
});
