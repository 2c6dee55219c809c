import * as OTPAuth from "otpauth";
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS, TOTP_WINDOW_STEPS } from "./totp-rules.ts";

/** A new shared secret: 160 bits (RFC 4226 §4 recommends 160), in the base32 authenticator apps take. */
export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totp(secret: string, label = "", issuer = ""): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer,
    label,
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: OTPAuth.Secret.fromBase32(secret),
  });
}

/** The `otpauth://totp/…` URI the QR code carries (Google Authenticator's key URI format). */
export function totpKeyUri(secret: string, account: string, issuer: string): string {
  return totp(secret, account, issuer).toString();
}

/**
 * The offset, in time steps from `now`'s, of the step `code` belongs to within the window, or null when it matches
 * none (compared in constant time by otpauth).
 */
export function matchTotpCode(secret: string, code: string, now: Date): number | null {
  return totp(secret).validate({ token: code, timestamp: now.getTime(), window: TOTP_WINDOW_STEPS });
}
