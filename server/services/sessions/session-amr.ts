/** A passkey's `amr` value (RFC 8176 §2): `swk` for a synced (backed-up) passkey, `hwk` for a device-bound one. */
const PASSKEY_AMR: Record<string, string> = { passkey: "hwk", synced_passkey: "swk" };

/**
 * The `amr` (Authentication Methods References, RFC 8176 §2) of a session, from what its row records: `pwd` for a
 * password, `otp` for an authenticator app's code or a recovery code (both one-time codes), `hwk` / `swk` for a
 * passkey (alone or as the second factor), and `mfa` once two factors were proved. A method RFC 8176 has no value
 * for (an upstream provider, an emailed link) adds nothing.
 */
export function sessionAmr(authMethod: string, secondFactor: string | null): string[] {
  const amr = authMethod === "password" ? ["pwd"] : [];
  const passkey = PASSKEY_AMR[authMethod];
  if (passkey) amr.push(passkey);
  if (secondFactor === "totp" || secondFactor === "recovery_code") amr.push("otp", "mfa");
  const secondPasskey = secondFactor === null ? undefined : PASSKEY_AMR[secondFactor];
  if (secondPasskey) amr.push(secondPasskey, "mfa");
  return amr;
}
