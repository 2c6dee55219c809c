/**
 * The rules of a TOTP second factor (RFC 6238) and its recovery codes, as plain data: no clock, no database.
 * The services take `now` and the stored state, and act on the decision.
 */

/** RFC 6238 §4.1 (X = 30 s, the default every authenticator app uses). */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/**
 * Codes of the previous and next step are accepted too (RFC 6238 §5.2 allows "at most one time step" of network
 * delay; a phone's clock drifts both ways).
 */
export const TOTP_WINDOW_STEPS = 1;

/** How many recovery codes a user gets when they turn on a second factor. */
export const RECOVERY_CODE_COUNT = 10;

/** The time step `now` falls in (RFC 6238 §4.2: T = floor((Current Unix time - T0) / X), T0 = 0). */
export function timeStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** A code as typed, without the spaces and dashes apps print it with; null when it cannot be a TOTP code. */
export function normalizeTotpCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, "");
  return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code) ? code : null;
}

export type TotpDecision =
  | { readonly accept: true; readonly step: number }
  | { readonly accept: false; readonly reason: "invalid_code" | "replayed_code" };

/**
 * Whether a code that matched step `currentStep + delta` (or nothing: `delta` null) may be used, given the step of
 * the last code accepted. RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt of the OTP after the
 * successful validation has been issued for the first OTP" — so a step at or before the last accepted one is
 * refused, which also refuses an older code of the window once a newer one was used.
 */
export function decideTotpCode(input: {
  readonly currentStep: number;
  readonly delta: number | null;
  readonly lastUsedStep: number | null;
}): TotpDecision {
  if (input.delta === null || Math.abs(input.delta) > TOTP_WINDOW_STEPS)
    return { accept: false, reason: "invalid_code" };
  const step = input.currentStep + input.delta;
  if (input.lastUsedStep !== null && step <= input.lastUsedStep) return { accept: false, reason: "replayed_code" };
  return { accept: true, step };
}

/** Crockford's base32 without the letters people confuse (I, L, O, U): what recovery codes are written in. */
const RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_CODE_LENGTH = 10;

/** A recovery code from 10 random bytes (50 bits of them used), printed as `xxxxx-xxxxx`. */
export function formatRecoveryCode(random: Uint8Array): string {
  if (random.length < RECOVERY_CODE_LENGTH) throw new RangeError("a recovery code needs 10 random bytes");
  let code = "";
  for (let i = 0; i < RECOVERY_CODE_LENGTH; i++) code += RECOVERY_ALPHABET[random[i]! % 32];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * A recovery code as typed, in the one form that is hashed: lowercase, without spaces or dashes, the letters
 * people mistake for digits read as those digits (Crockford). Null when it cannot be a recovery code.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]/g, "").replace(/[o]/g, "0").replace(/[il]/g, "1");
  if (code.length !== RECOVERY_CODE_LENGTH) return null;
  for (const char of code) if (!RECOVERY_ALPHABET.includes(char)) return null;
  return code;
}
