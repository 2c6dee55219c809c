import { dictionary } from "@zxcvbn-ts/language-common";
import { MAX_PASSWORD_LENGTH } from "../../crypto/password.ts";

/** NIST SP 800-63B §5.1.1.2: at least 8 characters. */
export const MIN_PASSWORD_LENGTH = 8;

let common: Set<string> | undefined;

/**
 * Why `password` may not be chosen, or null when it may: NIST SP 800-63B §5.1.1.2 — at least
 * {@link MIN_PASSWORD_LENGTH} characters (counted as Unicode code points), at most {@link MAX_PASSWORD_LENGTH}, no
 * composition rules, and not one of the ~30,000 most common passwords (zxcvbn-ts's `passwords-common` list, shipped
 * in the package: never a network call). Compared case-insensitively, since `Password1` is as guessable as
 * `password1`.
 *
 * @see https://pages.nist.gov/800-63-3/sp800-63b.html#memsecret
 */
export function passwordProblem(password: string, context: { readonly email?: string } = {}): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  common ??= new Set(dictionary["passwords-common"].map((word) => word.toLowerCase()));
  const folded = password.toLowerCase();
  if (common.has(folded)) return "This password is too common. Choose one that is harder to guess.";
  // A context-specific word (800-63B: "the name of the service, the username"): the address itself or its local part.
  const email = context.email?.trim().toLowerCase();
  if (email && (folded === email || folded === email.split("@")[0])) {
    return "Your password must not be your email address.";
  }
  return null;
}
