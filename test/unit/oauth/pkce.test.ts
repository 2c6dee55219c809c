import { describe, expect, it } from "vitest";
import {
  checkCodeChallenge,
  computeCodeChallenge,
  expectedCodeChallenge,
  verifyCodeVerifier,
} from "../../../server/oauth/pkce.ts";

// RFC 7636 Appendix B.
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

const invalidRequest = (description: RegExp) =>
  expect.objectContaining({ code: "invalid_request", description: expect.stringMatching(description) });

describe("checkCodeChallenge", () => {
  it("accepts an S256 challenge", () => {
    expect(checkCodeChallenge(CHALLENGE, "S256", "public clients")).toEqual({
      codeChallenge: CHALLENGE,
      codeChallengeMethod: "S256",
    });
  });

  it("returns null without a challenge when none is required", () => {
    expect(checkCodeChallenge(undefined, undefined, null)).toBeNull();
  });

  it("requires a challenge from public clients", () => {
    expect(() => checkCodeChallenge(undefined, undefined, "public clients")).toThrow(
      invalidRequest(/^code_challenge is required for public clients \(PKCE, RFC 7636\)$/),
    );
  });

  it("refuses the plain PKCE method, explicit or implied by an absent method", () => {
    expect(() => checkCodeChallenge(CHALLENGE, "plain", null)).toThrow(invalidRequest(/"plain" is not supported/));
    expect(() => checkCodeChallenge(CHALLENGE, undefined, null)).toThrow(invalidRequest(/only S256 is supported/));
    expect(() => checkCodeChallenge(CHALLENGE, "s256", null)).toThrow(invalidRequest(/must be S256/));
  });

  it("refuses a method without a challenge", () => {
    expect(() => checkCodeChallenge(undefined, "S256", null)).toThrow(invalidRequest(/without code_challenge/));
  });

  it("refuses a challenge that is not 43 canonical base64url characters", () => {
    for (const bad of [
      CHALLENGE.slice(1),
      `${CHALLENGE}A`,
      `${CHALLENGE.slice(0, 42)}+`,
      `${CHALLENGE.slice(0, 42)}N`,
    ]) {
      expect(() => checkCodeChallenge(bad, "S256", null)).toThrow(invalidRequest(/43 base64url characters/));
    }
  });
});

describe("verifyCodeVerifier", () => {
  it("verifies the RFC 7636 Appendix B test vector", () => {
    expect(computeCodeChallenge(VERIFIER)).toBe(CHALLENGE);
    expect(verifyCodeVerifier(VERIFIER, CHALLENGE)).toBe(true);
  });

  it("refuses a verifier that does not hash to the challenge", () => {
    expect(verifyCodeVerifier(`${VERIFIER.slice(0, -1)}l`, CHALLENGE)).toBe(false);
    expect(verifyCodeVerifier(VERIFIER, CHALLENGE.slice(1))).toBe(false);
  });

  it("refuses a missing or malformed verifier, even one that would hash right", () => {
    expect(verifyCodeVerifier(undefined, CHALLENGE)).toBe(false);
    const short = "a".repeat(42);
    expect(verifyCodeVerifier(short, computeCodeChallenge(short))).toBe(false);
    const long = "a".repeat(129);
    expect(verifyCodeVerifier(long, computeCodeChallenge(long))).toBe(false);
    const badChar = `${"a".repeat(43)}+`;
    expect(verifyCodeVerifier(badChar, computeCodeChallenge(badChar))).toBe(false);
    const max = `${"a".repeat(124)}-._~`;
    expect(verifyCodeVerifier(max, computeCodeChallenge(max))).toBe(true);
  });
});

describe("expectedCodeChallenge", () => {
  it("is null without a verifier, the S256 challenge of a well-formed one, undefined for a malformed one", () => {
    expect(expectedCodeChallenge(undefined)).toBeNull();
    expect(expectedCodeChallenge(VERIFIER)).toBe(CHALLENGE);
    expect(expectedCodeChallenge("a".repeat(42))).toBeUndefined();
    expect(expectedCodeChallenge(`${"a".repeat(43)}+`)).toBeUndefined();
  });
});
