import type { EntityManager } from "@mikro-orm/postgresql";
import type { User } from "../../db/entities/index.ts";
import { verifyEmailMessage } from "../mail/account-messages.ts";
import { issueAccountLink, VERIFY_LINK_TTL_MS } from "./account-links.ts";
import type { PasswordResetDeps } from "./request-password-reset.ts";

/** The path the verification link opens (the token is its `token` query parameter). */
export const VERIFY_EMAIL_PATH = "/verify-email";

/** What mailing needs: the mailer, a logger for a refused send, and PUBLIC_URL for the link. */
export type AccountMailDeps = PasswordResetDeps;

/**
 * Mails `user` a single-use link ({@link VERIFY_LINK_TTL_MS}) proving they read their address; `returnTo` (a path
 * already checked by `safeReturnTo`) rides along in the link, so verifying continues the authorization the person
 * started. The link row is flushed here; the mail goes after, unawaited (its SMTP round trip is not the person's
 * wait, and a refused send is logged, not thrown).
 */
export async function sendVerificationEmail(
  em: EntityManager,
  deps: AccountMailDeps,
  input: { readonly user: User; readonly returnTo: string | null },
  now: Date,
): Promise<void> {
  const link = issueVerificationLink(em, deps.publicUrl, input, now);
  await em.flush();
  mailVerificationLink(deps, input.user.email, link);
}

/**
 * Adds a verification link's row for `user` to `em`'s unit of work (the caller flushes, and mails the link once that
 * committed) and returns the link: the token, then where to continue.
 */
export function issueVerificationLink(
  em: EntityManager,
  publicUrl: string,
  input: { readonly user: User; readonly returnTo: string | null },
  now: Date,
): string {
  const token = issueAccountLink(em, { user: input.user, purpose: "verify_email", ttlMs: VERIFY_LINK_TTL_MS }, now);
  const query = new URLSearchParams({ token, ...(input.returnTo ? { return_to: input.returnTo } : {}) });
  return `${publicUrl}${VERIFY_EMAIL_PATH}?${query}`;
}

/** Sends a verification link to `to`, unawaited: a refused send is logged (without the link), never thrown. */
export function mailVerificationLink(deps: AccountMailDeps, to: string, link: string): void {
  void deps.mailer
    .send(verifyEmailMessage({ to, link, hours: VERIFY_LINK_TTL_MS / 3_600_000 }))
    .catch((error: unknown) => deps.logger.warn({ err: error, mail: "verify_email" }, "mail could not be sent"));
}
