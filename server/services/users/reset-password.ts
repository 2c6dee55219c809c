import type { EntityManager } from "@mikro-orm/postgresql";
import { hashPassword } from "../../crypto/password.ts";
import { Session, User } from "../../db/entities/index.ts";
import { recordEvent } from "../record-event.ts";
import { type AccountLinkProblem, findAccountLink, spendAccountLink, voidAccountLinks } from "./account-links.ts";
import { passwordProblem } from "./password-policy.ts";

export type ResetPasswordResult =
  | { readonly ok: true; readonly userId: string; readonly endedSessions: number }
  | { readonly ok: false; readonly problem: AccountLinkProblem }
  | { readonly ok: false; readonly problem: "password"; readonly message: string };

/**
 * Sets a new password through a reset link: the link must be usable ({@link findAccountLink}) and the password pass
 * the policy. In one transaction: the link is spent (once, even under concurrent submits), every other reset link of
 * the account is voided, the argon2id hash replaced, every session of the account except `keepSessionId` ended,
 * and `user.password_changed` recorded. Grants, tokens and connections are left alone.
 */
export async function resetPassword(
  em: EntityManager,
  input: { readonly token: unknown; readonly password: string; readonly keepSessionId?: string | null },
  now: Date,
): Promise<ResetPasswordResult> {
  const found = await findAccountLink(em, input.token, "reset_password", now);
  if (!found.ok) return found;
  const problem = passwordProblem(input.password, { email: found.user.email });
  if (problem) return { ok: false, problem: "password", message: problem };
  const passwordHash = await hashPassword(input.password);
  const userId = found.user.id;
  return em.transactional(async (tx) => {
    if (!(await spendAccountLink(tx, found.row, now))) return { ok: false, problem: "used" } as const;
    await voidAccountLinks(tx, userId, "reset_password", now);
    await tx.nativeUpdate(User, { id: userId }, { passwordHash, updatedAt: now });
    const endedSessions = await tx.nativeDelete(Session, {
      user: userId,
      ...(input.keepSessionId ? { id: { $ne: input.keepSessionId } } : {}),
    });
    recordEvent(
      tx,
      {
        type: "user.password_changed",
        subjectType: "user",
        subjectId: userId,
        actor: { type: "user", id: userId },
        payload: { method: "reset_link", endedSessions },
      },
      now,
    );
    await tx.flush();
    return { ok: true, userId, endedSessions } as const;
  });
}
