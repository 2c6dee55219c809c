import type { EntityManager } from "@mikro-orm/postgresql";
import { hashPassword } from "../../crypto/password.ts";
import { Session, User } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { recordEvent } from "../record-event.ts";
import { voidAccountLinks } from "./account-links.ts";
import { checkCurrentPassword } from "./current-password.ts";
import { passwordProblem } from "./password-policy.ts";

export type ChangePasswordInput = {
  readonly userId: string;
  readonly currentPassword: string;
  readonly newPassword: string;
  /** The session the change is made from: it stays signed in, every other one ends. */
  readonly keepSessionId: string;
};

export type ChangePasswordResult =
  | { readonly ok: true; readonly endedSessions: number }
  | { readonly ok: false; readonly field: "currentPassword" | "newPassword"; readonly message: string };

/**
 * Changes a signed-in user's password: the current one must match ({@link checkCurrentPassword}) and the new one
 * pass the policy ({@link passwordProblem}). In one transaction: the argon2id hash is replaced, unused reset links
 * are voided, every session but `keepSessionId` ends and `user.password_changed` (`method: "account"`,
 * `endedSessions`) is recorded. Grants and tokens are left alone, as a reset leaves them.
 */
export async function changePassword(
  em: EntityManager,
  input: ChangePasswordInput,
  now: Date,
): Promise<ChangePasswordResult> {
  const user = await em.findOne(User, { id: input.userId });
  if (!user) throw new NotFoundError("User");
  const wrong = await checkCurrentPassword(user, input.currentPassword);
  if (wrong) return { ok: false, field: "currentPassword", message: wrong };
  const problem = passwordProblem(input.newPassword, { email: user.email });
  if (problem) return { ok: false, field: "newPassword", message: problem };
  const passwordHash = await hashPassword(input.newPassword);
  return em.transactional(async (tx) => {
    await tx.nativeUpdate(User, { id: user.id }, { passwordHash, updatedAt: now });
    await voidAccountLinks(tx, user.id, "reset_password", now);
    const endedSessions = await tx.nativeDelete(Session, { user: user.id, id: { $ne: input.keepSessionId } });
    recordEvent(
      tx,
      {
        type: "user.password_changed",
        subjectType: "user",
        subjectId: user.id,
        actor: { type: "user", id: user.id },
        payload: { method: "account", endedSessions },
      },
      now,
    );
    await tx.flush();
    return { ok: true, endedSessions } as const;
  });
}
