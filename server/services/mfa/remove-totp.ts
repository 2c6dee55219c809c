import type { EntityManager } from "@mikro-orm/postgresql";
import { RecoveryCode, TotpFactor, User } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { hasPasskey } from "../passkeys/list-passkeys.ts";
import { checkCurrentPassword } from "../users/current-password.ts";
import { recordUserEvent, userEventScopes } from "../users/record-user-event.ts";
import { mfaRequiredByPolicy } from "./mfa-policy.ts";

export type RemoveTotpResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly field: "currentPassword" | "policy" | "factor"; readonly message: string };

/**
 * Turns the authenticator app off after the current password: the factor and every recovery code go, and
 * `user.mfa_removed` (`method: "totp"`) is recorded, in one transaction. Refused while an organization the user
 * administers requires a second factor and they have no passkey (it would be their last factor).
 */
export async function removeTotp(
  em: EntityManager,
  input: { readonly userId: string; readonly currentPassword: string },
  now: Date,
): Promise<RemoveTotpResult> {
  const user = await em.findOne(User, { id: input.userId });
  if (!user) throw new NotFoundError("User");
  const wrong = await checkCurrentPassword(user, input.currentPassword);
  if (wrong) return { ok: false, field: "currentPassword", message: wrong };
  if (!(await hasPasskey(em, user.id)) && (await mfaRequiredByPolicy(em, user.id))) {
    return {
      ok: false,
      field: "policy",
      message: "An organization you administer requires a second factor, so your authenticator app cannot be removed.",
    };
  }
  return em.transactional(async (tx) => {
    const removed = await tx.nativeDelete(TotpFactor, { user: user.id, confirmedAt: { $ne: null } });
    if (removed === 0) return { ok: false, field: "factor", message: "No authenticator app is set up." } as const;
    await tx.nativeDelete(RecoveryCode, { user: user.id });
    recordUserEvent(
      tx,
      await userEventScopes(tx, user.id),
      { type: "user.mfa_removed", userId: user.id, actor: { type: "user", id: user.id }, payload: { method: "totp" } },
      now,
    );
    await tx.flush();
    return { ok: true } as const;
  });
}
