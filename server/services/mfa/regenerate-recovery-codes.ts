import type { EntityManager } from "@mikro-orm/postgresql";
import { TotpFactor, User } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { checkCurrentPassword } from "../users/current-password.ts";
import { issueRecoveryCodes } from "./recovery-codes.ts";

export type RegenerateRecoveryCodesResult =
  | { readonly ok: true; readonly recoveryCodes: readonly string[] }
  | { readonly ok: false; readonly field: "currentPassword" | "factor"; readonly message: string };

/**
 * A new set of recovery codes after the current password, for a user with an authenticator app: every previous
 * code stops working at once. Returns the new codes, shown once.
 */
export async function regenerateRecoveryCodes(
  em: EntityManager,
  input: { readonly userId: string; readonly currentPassword: string },
  now: Date,
): Promise<RegenerateRecoveryCodesResult> {
  const user = await em.findOne(User, { id: input.userId });
  if (!user) throw new NotFoundError("User");
  const wrong = await checkCurrentPassword(user, input.currentPassword);
  if (wrong) return { ok: false, field: "currentPassword", message: wrong };
  return em.transactional(async (tx) => {
    if ((await tx.count(TotpFactor, { user: user.id, confirmedAt: { $ne: null } })) === 0) {
      return { ok: false, field: "factor", message: "No authenticator app is set up." } as const;
    }
    const recoveryCodes = await issueRecoveryCodes(tx, user.id, now);
    await tx.flush();
    return { ok: true, recoveryCodes } as const;
  });
}
