import { describe, expect, it } from "vitest";
import {
  decideTotpCode,
  formatRecoveryCode,
  normalizeRecoveryCode,
  normalizeTotpCode,
  timeStep,
} from "../../../server/services/mfa/totp-rules.ts";
import { matchTotpCode, newTotpSecret, totpKeyUri } from "../../../server/services/mfa/totp-secret.ts";
import { sessionAmr } from "../../../server/services/sessions/session-amr.ts";

// RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890" (ASCII), in base32.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("TOTP rules", () => {
  it("counts 30-second steps from the Unix epoch (RFC 6238 §4.2)", () => {
    expect(timeStep(new Date(59_000))).toBe(1);
    expect(timeStep(new Date(1_111_111_109_000))).toBe(37037036);
    expect(timeStep(new Date(1_111_111_111_000))).toBe(37037037);
  });

  it("matches the RFC 6238 test vectors (last 6 of the 8 digits) and the adjacent steps only", () => {
    expect(matchTotpCode(RFC_SECRET, "287082", new Date(59_000))).toBe(0);
    expect(matchTotpCode(RFC_SECRET, "081804", new Date(1_111_111_109_000))).toBe(0);
    expect(matchTotpCode(RFC_SECRET, "050471", new Date(1_111_111_111_000))).toBe(0);
    // The vector of T=1111111109 is one step before T=1111111111's step: accepted within the window...
    expect(matchTotpCode(RFC_SECRET, "081804", new Date(1_111_111_111_000))).toBe(-1);
    // ...but not two steps later.
    expect(matchTotpCode(RFC_SECRET, "081804", new Date(1_111_111_111_000 + 60_000))).toBeNull();
    expect(matchTotpCode(RFC_SECRET, "000000", new Date(59_000))).toBeNull();
  });

  it("accepts a code of the window once, and refuses its step or an earlier one afterwards", () => {
    expect(decideTotpCode({ currentStep: 100, delta: 0, lastUsedStep: null })).toEqual({ accept: true, step: 100 });
    expect(decideTotpCode({ currentStep: 100, delta: -1, lastUsedStep: 98 })).toEqual({ accept: true, step: 99 });
    expect(decideTotpCode({ currentStep: 100, delta: 0, lastUsedStep: 100 })).toEqual({
      accept: false,
      reason: "replayed_code",
    });
    expect(decideTotpCode({ currentStep: 100, delta: -1, lastUsedStep: 100 })).toEqual({
      accept: false,
      reason: "replayed_code",
    });
    expect(decideTotpCode({ currentStep: 101, delta: 0, lastUsedStep: 100 })).toEqual({ accept: true, step: 101 });
    expect(decideTotpCode({ currentStep: 100, delta: null, lastUsedStep: null })).toEqual({
      accept: false,
      reason: "invalid_code",
    });
    expect(decideTotpCode({ currentStep: 100, delta: 2, lastUsedStep: null }).accept).toBe(false);
  });

  it("reads codes as typed, with spaces or dashes, and refuses anything else", () => {
    expect(normalizeTotpCode(" 123 456 ")).toBe("123456");
    expect(normalizeTotpCode("123-456")).toBe("123456");
    expect(normalizeTotpCode("12345")).toBeNull();
    expect(normalizeTotpCode("12345a")).toBeNull();
    expect(normalizeTotpCode("1234567")).toBeNull();
  });

  it("writes recovery codes as xxxxx-xxxxx and reads them back case- and dash-insensitively", () => {
    const code = formatRecoveryCode(new Uint8Array([0, 1, 2, 31, 32, 33, 200, 255, 17, 9]));
    expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    expect(normalizeRecoveryCode(code)).toBe(code.replace("-", ""));
    expect(normalizeRecoveryCode(` ${code.toUpperCase()} `)).toBe(code.replace("-", ""));
    expect(normalizeRecoveryCode("abcde-fghij")).toBe("abcdefgh1j");
    expect(normalizeRecoveryCode("0O1lI-22222")).toBe("00111" + "22222");
    expect(normalizeRecoveryCode("uuuuu-uuuuu")).toBeNull();
    expect(normalizeRecoveryCode("abc")).toBeNull();
    expect(() => formatRecoveryCode(new Uint8Array(4))).toThrow(RangeError);
  });

  it("mints 160-bit secrets and an otpauth key URI naming the account and issuer", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpKeyUri(secret, "ada@example.com", "Latch"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("issuer")).toBe("Latch");
    expect(decodeURIComponent(uri.pathname)).toContain("ada@example.com");
  });
});

describe("session amr (RFC 8176)", () => {
  it("says pwd for a password, adds otp and mfa with a second factor, fed for an upstream sign-in", () => {
    expect(sessionAmr("password", null)).toEqual(["pwd"]);
    expect(sessionAmr("password", "totp")).toEqual(["pwd", "otp", "mfa"]);
    expect(sessionAmr("password", "recovery_code")).toEqual(["pwd", "otp", "mfa"]);
    expect(sessionAmr("github", null)).toEqual(["fed"]);
    expect(sessionAmr("oidc", "totp")).toEqual(["fed", "otp", "mfa"]);
    expect(sessionAmr("email_link", null)).toEqual([]);
  });
});
