import { deriveKey } from "../crypto/derive-key.ts";
import type { MasterKeyring } from "../crypto/master-key.ts";
import { signPayload, verifyPayload } from "../crypto/signed-payload.ts";
import type { FirstFactor } from "../services/mfa/sign-in-with-second-factor.ts";

/** How long the second sign-in step stays open after the password was right. */
export const SECOND_FACTOR_STATE_TTL_MS = 5 * 60_000;

/** What the first sign-in step proved, carried to the second in a signed form field (never a session). */
export type SecondFactorState = {
  readonly userId: string;
  readonly step: "verify" | "enrol";
  /** How the first factor was proved; a password when not given. */
  readonly first?: FirstFactor;
  /** The browser's anonymous CSRF id: the state is refused in another browser. */
  readonly anonymousId: string;
};

const key = (keyring: MasterKeyring) => deriveKey(keyring, "second-factor-state");

/** The signed, short-lived state of a pending second step. */
export function issueSecondFactorState(keyring: MasterKeyring, state: SecondFactorState, now: Date): string {
  return signPayload(
    key(keyring),
    { sub: state.userId, step: state.step, aid: state.anonymousId, ...(state.first && { f: packFirst(state.first) }) },
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
  if (typeof token !== "string" || token.length > 2048 || anonymousId === undefined) return null;
  const payload = verifyPayload<{ sub?: unknown; step?: unknown; aid?: unknown; f?: unknown }>(
    key(keyring),
    token,
    now,
  );
  if (!payload || typeof payload.sub !== "string" || payload.aid !== anonymousId) return null;
  if (payload.step !== "verify" && payload.step !== "enrol") return null;
  const first = payload.f === undefined ? undefined : unpackFirst(payload.f);
  if (first === null) return null;
  return { userId: payload.sub, step: payload.step, anonymousId, ...(first && { first }) };
}

function packFirst(first: FirstFactor): string[] {
  if (first.method === "upstream") {
    return ["upstream", first.kind, first.identityProviderId, first.organizationId, first.applicationId];
  }
  if (first.method === "session") return ["session", first.authMethod, first.sessionId];
  return ["password"];
}

function unpackFirst(packed: unknown): FirstFactor | null {
  if (!Array.isArray(packed) || !packed.every((part) => typeof part === "string")) return null;
  const [method, ...rest] = packed as string[];
  if (method === "password" && rest.length === 0) return { method };
  if (method === "upstream" && rest.length === 4) {
    const [kind, identityProviderId, organizationId, applicationId] = rest as [string, string, string, string];
    return { method, kind, identityProviderId, organizationId, applicationId };
  }
  if (method === "session" && rest.length === 2) {
    const [authMethod, sessionId] = rest as [string, string];
    return { method, authMethod, sessionId };
  }
  return null;
}
