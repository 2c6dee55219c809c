import { MAX_PASSWORD_LENGTH, verifyPassword, verifyPasswordAgainstNothing } from "../../crypto/password.ts";
import type { User } from "../../db/entities/index.ts";

/** What the account pages say when the current password does not match. */
export const WRONG_CURRENT_PASSWORD = "Your current password is not correct.";

/**
 * Why `presented` does not prove the account holder is at the keyboard, or null when it does: the account's
 * current password (argon2id, constant time). An account without one (upstream sign-in only) cannot prove it this
 * way; it is told to set one through the emailed reset link first.
 */
export async function checkCurrentPassword(user: User, presented: string): Promise<string | null> {
  if (!user.passwordHash) {
    await verifyPasswordAgainstNothing(presented.slice(0, MAX_PASSWORD_LENGTH));
    return "Your account has no password yet. Set one with “Forgot password?” on the sign-in page first.";
  }
  if (presented === "") return "Enter your current password.";
  if (presented.length > MAX_PASSWORD_LENGTH) return WRONG_CURRENT_PASSWORD;
  return (await verifyPassword(user.passwordHash, presented)) ? null : WRONG_CURRENT_PASSWORD;
}
