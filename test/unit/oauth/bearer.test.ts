import { describe, expect, it } from "vitest";
import { bearerChallenge, extractBearerToken, MissingBearerTokenError } from "../../../server/oauth/bearer.ts";
import { InsufficientScopeError, InvalidTokenError } from "../../../server/oauth/errors.ts";

describe("extractBearerToken", () => {
  it("reads the token of a Bearer header, scheme in any case", () => {
    expect(extractBearerToken("Bearer latch_at_abc.DEF-_~+/=")).toBe("latch_at_abc.DEF-_~+/=");
    expect(extractBearerToken("bearer eyJ.eyJ.sig")).toBe("eyJ.eyJ.sig");
  });

  it("treats a missing header as invalid_token without credentials", () => {
    expect(() => extractBearerToken(undefined)).toThrow(MissingBearerTokenError);
    expect(() => extractBearerToken("")).toThrow(
      expect.objectContaining({ code: "invalid_token", status: 401, description: "missing bearer token" }),
    );
  });

  it("refuses a malformed header as invalid_request", () => {
    for (const header of ["Bearer", "Bearer ", "Basic YTpi", "Bearer a b", "Bearer a,b", "Bearertoken"]) {
      expect(() => extractBearerToken(header), header).toThrow(expect.objectContaining({ code: "invalid_request" }));
    }
  });
});

describe("bearerChallenge", () => {
  it("sends only the realm when the request had no token (RFC 6750 §3.1)", () => {
    expect(bearerChallenge("latch")).toBe('Bearer realm="latch"');
    expect(bearerChallenge("latch", new MissingBearerTokenError())).toBe('Bearer realm="latch"');
  });

  it("adds error and description, quoted safely", () => {
    expect(bearerChallenge("latch", new InvalidTokenError('the access token\'s "jti" claim is missing'))).toBe(
      'Bearer realm="latch", error="invalid_token", error_description="the access token\'s \'jti\' claim is missing"',
    );
    expect(bearerChallenge('la"t\\ch')).toBe('Bearer realm="la\\"t\\\\ch"');
  });

  it("adds the scope needed for insufficient_scope", () => {
    expect(bearerChallenge("latch", new InsufficientScopeError("identify is required"), "identify")).toBe(
      'Bearer realm="latch", error="insufficient_scope", error_description="identify is required", scope="identify"',
    );
  });
});
