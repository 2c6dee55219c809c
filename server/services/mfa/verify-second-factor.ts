import type { EntityManager } from "@mikro-orm/postgresql";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { TotpFactor } from "../../db/entities/index.ts";
import { recordEvent } from "../record-event.ts";
import { spendRecoveryCode } from "./recovery-codes.ts";
import { spendTotpCode } from "./spend-totp-code.ts";
import { normalizeTotpCode } from "./totp-rules.ts";

/** How the second factor was proved: what the session records (and the ID token's `amr` follows). */
export type SecondFactorMethod = "totp" | "recovery_code";

export type VerifySecondFactorResult =
  | { readonly ok: true; readonly method: SecondFactorMethod }
  | { readonly ok: false; readonly reason: "invalid_code" | "replayed_code" | "no_factor" };

/**
 * Checks the code a user typed at the second sign-in step: six digits are a code of their authenticator app (single
 * use: see spendTotpCode), anything else one of their recovery codes (spent). A failure is recorded as
 * `user.mfa_failed` (`reason`), never with the code.
 */
export async function verifySecondFactor(
  em: EntityManager,
  keyring: MasterKeyring,
  input: { readonly userId: string; readonly code: string },
  now: Date,
): Promise<VerifySecondFactorResult> {
  const factor = await em.findOne(TotpFactor, { user: input.userId, confirmedAt: { $ne: null } });
  let result: VerifySecondFactorResult;
  if (!factor) result = { ok: false, reason: "no_factor" };
  else if (normalizeTotpCode(input.code) !== null) {
    const decision = await spendTotpCode(em, keyring, factor, input.code, now);
    result = decision.accept ? { ok: true, method: "totp" } : { ok: false, reason: decision.reason };
  } else {
    const used = await spendRecoveryCode(em, input.userId, input.code, now);
    result = used ? { ok: true, method: "recovery_code" } : { ok: false, reason: "invalid_code" };
  }
  if (!result.ok) {
    recordEvent(
      em,
      {
        type: "user.mfa_failed",
        subjectType: "user",
        subjectId: input.userId,
        actor: { type: "user", id: input.userId },
        payload: { reason: result.reason },
      },
      now,
    );
    await em.flush();
  }
  return result;
}
