import type { EntityManager } from "@mikro-orm/postgresql";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { TotpFactor } from "../../db/entities/index.ts";
import { recordUserEvent, userEventScopes } from "../users/record-user-event.ts";
import { issueRecoveryCodes } from "./recovery-codes.ts";
import { spendTotpCode } from "./spend-totp-code.ts";

export type ConfirmTotpResult =
  | { readonly ok: true; readonly recoveryCodes: readonly string[] }
  | { readonly ok: false; readonly reason: "not_enrolling" | "invalid_code" | "replayed_code" };

/**
 * Finishes adding an authenticator app: the first code from it proves it holds the secret. In one transaction the
 * factor is confirmed (that code's step spent), {@link issueRecoveryCodes} replaces the recovery codes, and
 * `user.mfa_enrolled` (`method: "totp"`) is recorded for every app and workspace that knows the user. Returns the
 * recovery codes, which are shown once.
 */
export async function confirmTotp(
  em: EntityManager,
  keyring: MasterKeyring,
  input: { readonly userId: string; readonly code: string },
  now: Date,
): Promise<ConfirmTotpResult> {
  return em.transactional(async (tx) => {
    const factor = await tx.findOne(TotpFactor, { user: input.userId, confirmedAt: null });
    if (!factor) return { ok: false, reason: "not_enrolling" } as const;
    const decision = await spendTotpCode(tx, keyring, factor, input.code, now, { confirmedAt: now });
    if (!decision.accept) return { ok: false, reason: decision.reason } as const;
    const recoveryCodes = await issueRecoveryCodes(tx, input.userId, now);
    recordUserEvent(
      tx,
      await userEventScopes(tx, input.userId),
      {
        type: "user.mfa_enrolled",
        userId: input.userId,
        actor: { type: "user", id: input.userId },
        payload: { method: "totp" },
      },
      now,
    );
    await tx.flush();
    return { ok: true, recoveryCodes } as const;
  });
}
