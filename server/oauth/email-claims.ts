import { expandScopes } from "./scopes.ts";

/** What the `email` scope discloses of a user: the address and whether it was verified. */
export type EmailOfUser = { readonly email: string; readonly emailVerified: boolean };

/**
 * The `email` scope's claims (OIDC Core §5.4): `email` and `email_verified`, the latter the account's verified state
 * at the time of the answer (§5.1), so an address that was unverified when the grant was given reads true once the
 * user opens the verification link. Nothing without the scope. Shared by the ID token and userinfo so both agree.
 */
export function emailClaims(
  user: EmailOfUser,
  scopes: readonly string[],
): { email: string; email_verified: boolean } | Record<string, never> {
  if (!expandScopes(scopes).includes("email")) return {};
  return { email: user.email, email_verified: user.emailVerified };
}
