import { deriveKey } from "../crypto/derive-key.ts";
import type { MasterKeyring } from "../crypto/master-key.ts";
import { signPayload, verifyPayload } from "../crypto/signed-payload.ts";

/** How long the second sign-in step stays open after the password was right. */
export const SECOND_FACTOR_STATE_TTL_MS = 5 * 60_000;

/** What the first sign-in step proved, carried to the second in a signed form field (never a session). */
export type SecondFactorState = {
  readonly userId: string;
  readonly step: "verify" | "enrol";
  /** The browser's anonymous CSRF id: the state is refused in another browser. */
  readonly anonymousId: string;
};

const key = (keyring: MasterKeyring) => deriveKey(keyring, "second-factor-state");

/** The signed, short-lived state of a pending second step. */
export function issueSecondFactorState(keyring: MasterKeyring, state: SecondFactorState, now: Date): string {
  return signPayload(
    key(keyring),
    { sub: state.userId, step: state.step, aid: state.anonymousId },
    new Date(now.getTime() + SECOND_FACTOR_STATE_TTL_MS),
  );
}

/** The state a form carried, or null when it is forged, expired, or from another browser. */
export function readSecondFactorState(
  keyring: MasterKeyring,
  token: unknown,
  anonymousId: string | undefined,
  now: Date,
): SecondFactorState | null {
  if (typeof token !== "string" || token.length > 1024 || anonymousId === undefined) return null;
  const payload = verifyPayload<{ sub?: unknown; step?: unknown; aid?: unknown }>(key(keyring), token, now);
  if (!payload || typeof payload.sub !== "string" || payload.aid !== anonymousId) return null;
  if (payload.step !== "verify" && payload.step !== "enrol") return null;
  return { userId: payload.sub, step: payload.step, anonymousId };
}
