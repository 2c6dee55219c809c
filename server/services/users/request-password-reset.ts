import type { EntityManager } from "@mikro-orm/postgresql";
import type { Logger } from "../../logger.ts";
import { resetPasswordMessage } from "../mail/account-messages.ts";
import type { Mailer } from "../mail/mailer.ts";
import { normalizeEmail } from "../sessions/login-with-password.ts";
import { findUserByEmail, issueAccountLink, RESET_LINK_TTL_MS } from "./account-links.ts";

export type PasswordResetDeps = { readonly mailer: Mailer; readonly logger: Logger; readonly publicUrl: string };

/** The path the reset link opens (the token is its `token` query parameter). */
export const RESET_PASSWORD_PATH = "/reset-password";

/**
 * "Forgot password?": when an account has `email`, mails it a single-use link to choose a new password, valid
 * {@link RESET_LINK_TTL_MS}. Answers nothing either way, and the mail is sent after the answer (its SMTP round trip
 * would otherwise tell a waiting person that the account exists). `returnTo` (a same-origin path, or null) rides in the
 * link, so a person who forgot their password halfway through an authorization can continue it after the reset.
 */
export async function requestPasswordReset(
  em: EntityManager,
  deps: PasswordResetDeps,
  email: string,
  now: Date,
  options: { readonly returnTo?: string | null } = {},
): Promise<void> {
  const user = await findUserByEmail(em, normalizeEmail(email));
  if (!user) return;
  const token = issueAccountLink(em, { user, purpose: "reset_password", ttlMs: RESET_LINK_TTL_MS }, now);
  await em.flush();
  const query = new URLSearchParams({ token, ...(options.returnTo ? { return_to: options.returnTo } : {}) });
  const link = `${deps.publicUrl}${RESET_PASSWORD_PATH}?${query}`;
  void deps.mailer
    .send(resetPasswordMessage({ to: user.email, link, minutes: RESET_LINK_TTL_MS / 60_000 }))
    .catch((error: unknown) => deps.logger.warn({ err: error, mail: "reset_password" }, "mail could not be sent"));
}
