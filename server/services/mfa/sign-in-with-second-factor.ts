import type { EntityManager } from "@mikro-orm/postgresql";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import type { CreatedSession } from "../sessions/create-session.ts";
import { signInUser } from "../sessions/sign-in-user.ts";
import { confirmTotp } from "./confirm-totp.ts";
import { verifySecondFactor } from "./verify-second-factor.ts";

/**
 * How the first factor was proved, which the new session records as its method: the password, an identity
 * provider's account (its kind, and the provider the `user.signed_in` Event names), or an existing single-factor
 * session that an authorization request's `acr_values` asked to step up (its method is kept; the session is replaced).
 */
export type FirstFactor =
  | { readonly method: "password" }
  | {
      readonly method: "upstream";
      readonly kind: string;
      readonly identityProviderId: string;
      readonly organizationId: string;
      readonly applicationId: string;
    }
  | { readonly method: "session"; readonly authMethod: string; readonly sessionId: string };

export type SecondStepInput = {
  /** The user whose password was right at the first step (read from its signed state by the route). */
  readonly userId: string;
  /** `verify`: a code of their app or a recovery code; `enrol`: the first code of the app they are adding. */
  readonly step: "verify" | "enrol";
  /** The first factor; a password when not given. */
  readonly first?: FirstFactor;
  readonly code: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly absoluteTimeoutMs?: number;
};

export type SecondStepResult =
  | {
      readonly ok: true;
      readonly session: CreatedSession;
      /** After an enrolment at sign-in: the recovery codes, shown once. */
      readonly recoveryCodes: readonly string[] | null;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * The second sign-in step: the code proves the second factor ({@link verifySecondFactor}, or {@link confirmTotp}
 * when an organization's policy had the user add an app first), then the session is created with it recorded
 * (`secondFactor`, hence `amr`) beside the first factor's method, `lastLoginAt` stamped and `user.signed_in` (the
 * first factor's `method`, `secondFactor`) recorded.
 */
export async function signInWithSecondFactor(
  em: EntityManager,
  keyring: MasterKeyring,
  input: SecondStepInput,
  now: Date,
): Promise<SecondStepResult> {
  let method: "totp" | "recovery_code";
  let recoveryCodes: readonly string[] | null = null;
  if (input.step === "enrol") {
    const confirmed = await confirmTotp(em, keyring, { userId: input.userId, code: input.code }, now);
    if (!confirmed.ok) return { ok: false, reason: confirmed.reason };
    method = "totp";
    recoveryCodes = confirmed.recoveryCodes;
  } else {
    const verified = await verifySecondFactor(em, keyring, { userId: input.userId, code: input.code }, now);
    if (!verified.ok) return { ok: false, reason: verified.reason };
    method = verified.method;
  }
  const first = input.first ?? { method: "password" };
  const session = await em.transactional(async (tx) => {
    const created = await signInUser(
      tx,
      {
        userId: input.userId,
        authMethod: sessionMethod(first),
        secondFactor: method,
        ip: input.ip,
        userAgent: input.userAgent,
        ...(input.absoluteTimeoutMs !== undefined && { absoluteTimeoutMs: input.absoluteTimeoutMs }),
      },
      { ...eventScope(first), payload: { ...eventPayload(first), secondFactor: method } },
      now,
    );
    await tx.flush();
    return created;
  });
  return { ok: true, session, recoveryCodes };
}

function sessionMethod(first: FirstFactor): string {
  if (first.method === "upstream") return first.kind;
  if (first.method === "session") return first.authMethod;
  return "password";
}

function eventScope(first: FirstFactor): { organizationId?: string; applicationId?: string } {
  return first.method === "upstream"
    ? { organizationId: first.organizationId, applicationId: first.applicationId }
    : {};
}

/** The `user.signed_in` payload of the first factor, as its own sign-in path records it. */
function eventPayload(first: FirstFactor): Record<string, unknown> {
  if (first.method === "upstream") {
    return { method: "upstream", kind: first.kind, identityProviderId: first.identityProviderId };
  }
  if (first.method === "session") return { method: "step_up", steppedUpSessionId: first.sessionId };
  return { method: "password" };
}
