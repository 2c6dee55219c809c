import type { EntityManager } from "@mikro-orm/postgresql";
import { AccountToken, User } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { confirmNewEmailMessage } from "../mail/email-change-messages.ts";
import { normalizeEmail } from "../sessions/login-with-password.ts";
import { issueAccountLink, VERIFY_LINK_TTL_MS } from "./account-links.ts";
import { emailProblem } from "./create-user.ts";
import { checkCurrentPassword } from "./current-password.ts";
import type { PasswordResetDeps } from "./request-password-reset.ts";

/** The path the confirmation link opens (the token is its `token` query parameter). */
export const CONFIRM_EMAIL_PATH = "/account/email/confirm";

export type RequestEmailChangeInput = {
  readonly userId: string;
  readonly newEmail: string;
  /** The current password, asked when the account has one (a borrowed session must not take the account over). */
  readonly currentPassword: string;
};

export type RequestEmailChangeResult =
  | { readonly ok: true; readonly newEmail: string }
  | { readonly ok: false; readonly field: "email" | "currentPassword"; readonly message: string };

/**
 * Starts an email change: mails the new address a single-use `change_email` link ({@link VERIFY_LINK_TTL_MS}); the
 * account keeps its address until the link is used ({@link import("./confirm-email-change.ts").confirmEmailChange}).
 * A new request replaces the earlier ones (their links stop working). When another account has the address, the
 * answer is the same and no link is sent, so the form tells no one which addresses have accounts.
 */
export async function requestEmailChange(
  em: EntityManager,
  deps: PasswordResetDeps,
  input: RequestEmailChangeInput,
  now: Date,
): Promise<RequestEmailChangeResult> {
  const newEmail = input.newEmail.trim();
  const bad = emailProblem(newEmail);
  if (bad) return { ok: false, field: "email", message: bad };
  const user = await em.findOne(User, { id: input.userId });
  if (!user) throw new NotFoundError("User");
  if (normalizeEmail(newEmail) === user.emailNormalized) {
    return { ok: false, field: "email", message: "This is already your email address." };
  }
  const passwordProblem = await checkCurrentPassword(user, input.currentPassword);
  if (passwordProblem) return { ok: false, field: "currentPassword", message: passwordProblem };
  const taken = (await em.count(User, { emailNormalized: normalizeEmail(newEmail) })) > 0;
  const token = await em.transactional(async (tx) => {
    // Superseded: an earlier link, to this or another address, no longer changes anything.
    await tx.nativeDelete(AccountToken, { user: user.id, purpose: "change_email", usedAt: null });
    if (taken) return null;
    const minted = issueAccountLink(
      tx,
      { user, purpose: "change_email", ttlMs: VERIFY_LINK_TTL_MS, email: newEmail },
      now,
    );
    await tx.flush();
    return minted;
  });
  if (token) {
    const link = `${deps.publicUrl}${CONFIRM_EMAIL_PATH}?token=${token}`;
    void deps.mailer
      .send(confirmNewEmailMessage({ to: newEmail, link, hours: VERIFY_LINK_TTL_MS / 3_600_000 }))
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, mail: "confirm_email_change" }, "mail could not be sent"),
      );
  }
  return { ok: true, newEmail };
}
