import type { EntityManager } from "@mikro-orm/postgresql";
import { User, WebauthnCredential } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { mfaRequiredByPolicy } from "../mfa/mfa-policy.ts";
import { hasConfirmedTotp } from "../mfa/totp-status.ts";
import { checkCurrentPassword } from "../users/current-password.ts";
import { recordUserEvent, userEventScopes } from "../users/record-user-event.ts";

export type RemovePasskeyResult =
  | { readonly ok: true; readonly name: string }
  | { readonly ok: false; readonly field: "currentPassword" | "policy" | "passkey"; readonly message: string };

/**
 * Removes one of the user's passkeys after the current password, recording `user.mfa_removed` (`method:
 * "passkey"`). Refused when it is the user's last second factor and an organization they administer requires one.
 */
export async function removePasskey(
  em: EntityManager,
  input: { readonly userId: string; readonly passkeyId: string; readonly currentPassword: string },
  now: Date,
): Promise<RemovePasskeyResult> {
  const user = await em.findOne(User, { id: input.userId });
  if (!user) throw new NotFoundError("User");
  const wrong = await checkCurrentPassword(user, input.currentPassword);
  if (wrong) return { ok: false, field: "currentPassword", message: wrong };
  return em.transactional(async (tx) => {
    const passkey = /^[0-9a-f-]{36}$/i.test(input.passkeyId)
      ? await tx.findOne(WebauthnCredential, { id: input.passkeyId, user: user.id })
      : null;
    if (!passkey) return { ok: false, field: "passkey", message: "That passkey was already removed." } as const;
    const others = await tx.count(WebauthnCredential, { user: user.id, id: { $ne: passkey.id } });
    if (others === 0 && !(await hasConfirmedTotp(tx, user.id)) && (await mfaRequiredByPolicy(tx, user.id))) {
      return {
        ok: false,
        field: "policy",
        message: "An organization you administer requires a second factor, so your last passkey cannot be removed.",
      } as const;
    }
    tx.remove(passkey);
    recordUserEvent(
      tx,
      await userEventScopes(tx, user.id),
      {
        type: "user.mfa_removed",
        userId: user.id,
        actor: { type: "user", id: user.id },
        payload: { method: "passkey" },
      },
      now,
    );
    await tx.flush();
    return { ok: true, name: passkey.name } as const;
  });
}
