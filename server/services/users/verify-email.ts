import type { EntityManager } from "@mikro-orm/postgresql";
import { User } from "../../db/entities/index.ts";
import { hasConfirmedTotp } from "../mfa/totp-status.ts";
import type { CreatedSession } from "../sessions/create-session.ts";
import { signInUser } from "../sessions/sign-in-user.ts";
import { type AccountLinkProblem, findAccountLink, spendAccountLink, voidAccountLinks } from "./account-links.ts";
import { recordUserEvent, userEventScopes } from "./record-user-event.ts";

export type VerifyEmailInput = {
  readonly token: unknown;
  /** The user this browser is already signed in as, if any: that session is kept when it is the link's user. */
  readonly signedInUserId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly absoluteTimeoutMs?: number;
};

export type VerifyEmailResult =
  | {
      readonly ok: true;
      readonly userId: string;
      readonly email: string;
      /** A new session for the link's user, when the browser was not already signed in as them. */
      readonly session: CreatedSession | null;
    }
  | { readonly ok: false; readonly problem: AccountLinkProblem };

/**
 * Spends a `verify_email` link: the account's address becomes verified and, since the link proves the person reads
 * that mailbox (as a reset link does), the browser is signed in as the account, so a person who just signed up
 * continues the authorization they started. In one transaction: the link is spent (once, even under concurrent
 * use), the account's other verification links voided, `emailVerified` set with `user.updated`
 * (`changed: ["emailVerified"]`), and, for a new session, `user.signed_in` (`method: "email_link"`).
 */
export async function verifyEmail(em: EntityManager, input: VerifyEmailInput, now: Date): Promise<VerifyEmailResult> {
  const found = await findAccountLink(em, input.token, "verify_email", now);
  if (!found.ok) return found;
  const { user } = found;
  return em.transactional(async (tx) => {
    if (!(await spendAccountLink(tx, found.row, now))) return { ok: false, problem: "used" } as const;
    await voidAccountLinks(tx, user.id, "verify_email", now);
    if (!user.emailVerified) {
      await tx.nativeUpdate(User, { id: user.id }, { emailVerified: true, updatedAt: now });
      recordUserEvent(
        tx,
        await userEventScopes(tx, user.id),
        {
          type: "user.updated",
          userId: user.id,
          actor: { type: "user", id: user.id },
          payload: { changed: ["emailVerified"] },
        },
        now,
      );
    }
    let session: CreatedSession | null = null;
    // An emailed link is one factor: an account with an authenticator app is verified, not signed in.
    if (input.signedInUserId !== user.id && !(await hasConfirmedTotp(tx, user.id))) {
      session = await signInUser(
        tx,
        {
          userId: user.id,
          authMethod: "email_link",
          ip: input.ip,
          userAgent: input.userAgent,
          ...(input.absoluteTimeoutMs !== undefined && { absoluteTimeoutMs: input.absoluteTimeoutMs }),
        },
        { payload: { method: "email_link" } },
        now,
      );
    }
    await tx.flush();
    return { ok: true, userId: user.id, email: user.email, session } as const;
  });
}
