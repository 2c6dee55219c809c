import type { EntityManager } from "@mikro-orm/postgresql";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import type { CreatedSession } from "../sessions/create-session.ts";
import { signInUser } from "../sessions/sign-in-user.ts";
import { confirmTotp } from "./confirm-totp.ts";
import { verifySecondFactor } from "./verify-second-factor.ts";

export type SecondStepInput = {
  /** The user whose password was right at the first step (read from its signed state by the route). */
  readonly userId: string;
  /** `verify`: a code of their app or a recovery code; `enrol`: the first code of the app they are adding. */
  readonly step: "verify" | "enrol";
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
 * (`secondFactor`, hence `amr`), `lastLoginAt` stamped and `user.signed_in` (`method: "password"`,
 * `secondFactor`) recorded.
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
  const session = await em.transactional(async (tx) => {
    const created = await signInUser(
      tx,
      {
        userId: input.userId,
        authMethod: "password",
        secondFactor: method,
        ip: input.ip,
        userAgent: input.userAgent,
        ...(input.absoluteTimeoutMs !== undefined && { absoluteTimeoutMs: input.absoluteTimeoutMs }),
      },
      { payload: { method: "password", secondFactor: method } },
      now,
    );
    await tx.flush();
    return created;
  });
  return { ok: true, session, recoveryCodes };
}
