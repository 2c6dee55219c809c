import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { hasValidChecksum, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret, safeEqual } from "../../crypto/sha256.ts";
import { AccountToken, User } from "../../db/entities/index.ts";
import { emailChangedMessage } from "../mail/email-change-messages.ts";
import { normalizeEmail } from "../sessions/login-with-password.ts";
import { type AccountLinkProblem, spendAccountLink } from "./account-links.ts";
import { recordUserEvent, userEventScopes } from "./record-user-event.ts";
import type { PasswordResetDeps } from "./request-password-reset.ts";

/** A usable email-change link: its row, the account, and the address it confirms. */
export type EmailChangeLink = { readonly row: AccountToken; readonly user: User; readonly newEmail: string };

export type EmailChangeLinkLookup =
  | ({ readonly ok: true } & EmailChangeLink)
  | { readonly ok: false; readonly problem: AccountLinkProblem | "taken" };

/**
 * The `change_email` link `token` names, when it may still be used: well formed (prefix and checksum before any
 * lookup), known (a superseded link's row is gone), unused, unexpired, and for an address no other account has.
 */
export async function findEmailChangeLink(
  em: EntityManager,
  token: unknown,
  now: Date,
): Promise<EmailChangeLinkLookup> {
  if (typeof token !== "string" || !token.startsWith(SECRET_PREFIXES.accountLink) || !hasValidChecksum(token)) {
    return { ok: false, problem: "invalid" };
  }
  const tokenHash = hashSecret(token);
  const row = await em.findOne(AccountToken, { tokenHash, purpose: "change_email" }, { populate: ["user"] });
  if (!row || !safeEqual(row.tokenHash, tokenHash)) return { ok: false, problem: "invalid" };
  if (row.usedAt) return { ok: false, problem: "used" };
  if (row.expiresAt <= now) return { ok: false, problem: "expired" };
  const user = row.user.getEntity();
  const other = await em.findOne(User, { emailNormalized: normalizeEmail(row.email), id: { $ne: user.id } });
  if (other) return { ok: false, problem: "taken" };
  return { ok: true, row, user, newEmail: row.email };
}

export type ConfirmEmailChangeResult =
  | { readonly ok: true; readonly userId: string; readonly newEmail: string }
  | { readonly ok: false; readonly problem: AccountLinkProblem | "taken" };

/**
 * Makes the address a `change_email` link was sent to the account's address, verified (the link proves it reads
 * that mailbox). In one transaction: the link is spent (once, even under concurrent use), every other unused link of
 * the account is voided (reset and verification links went to the old address), the address is set and
 * `user.updated` (`changed: ["email"]`) recorded. Then the old address is told, with a way back if it was not them.
 */
export async function confirmEmailChange(
  em: EntityManager,
  deps: PasswordResetDeps,
  token: unknown,
  now: Date,
): Promise<ConfirmEmailChangeResult> {
  const found = await findEmailChangeLink(em, token, now);
  if (!found.ok) return found;
  const { user, newEmail } = found;
  const oldEmail = user.email;
  const result = await spend(em, found, now).catch((error: unknown) => {
    if (error instanceof UniqueConstraintViolationException) return { ok: false, problem: "taken" } as const;
    throw error;
  });
  if (result.ok) {
    void deps.mailer
      .send(emailChangedMessage({ to: oldEmail, newEmail, resetUrl: `${deps.publicUrl}/forgot-password` }))
      .catch((error: unknown) => deps.logger.warn({ err: error, mail: "email_changed" }, "mail could not be sent"));
  }
  return result;
}

function spend(em: EntityManager, { user, newEmail, row }: EmailChangeLink, now: Date) {
  return em.transactional(async (tx) => {
    if (!(await spendAccountLink(tx, row, now))) return { ok: false, problem: "used" } as const;
    await tx.nativeUpdate(AccountToken, { user: user.id, usedAt: null }, { usedAt: now });
    // The unique index settles a race with a sign-up or another change to the same address.
    await tx.nativeUpdate(
      User,
      { id: user.id },
      { email: newEmail, emailNormalized: normalizeEmail(newEmail), emailVerified: true, updatedAt: now },
    );
    recordUserEvent(
      tx,
      await userEventScopes(tx, user.id),
      { type: "user.updated", userId: user.id, actor: { type: "user", id: user.id }, payload: { changed: ["email"] } },
      now,
    );
    await tx.flush();
    return { ok: true, userId: user.id, newEmail } as const;
  });
}
