/**
 * The `amr` (Authentication Methods References, RFC 8176 §2) of a session, from what its row records: `pwd` for a
 * password, `otp` for an authenticator app's code or a recovery code (both one-time codes), and `mfa` once two
 * factors were proved. A method RFC 8176 has no value for (an upstream provider, an emailed link) adds nothing.
 */
export function sessionAmr(authMethod: string, secondFactor: string | null): string[] {
  const amr = authMethod === "password" ? ["pwd"] : [];
  if (secondFactor === "totp" || secondFactor === "recovery_code") amr.push("otp", "mfa");
  return amr;
}
