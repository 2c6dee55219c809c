/** Session methods that are not a password, a passkey or an identity provider's account. */
const NO_AMR_VALUE = new Set(["email_link"]);

/** A passkey's `amr` value (RFC 8176 §2): `swk` for a synced (backed-up) passkey, `hwk` for a device-bound one. */
const PASSKEY_AMR: Record<string, string> = { passkey: "hwk", synced_passkey: "swk" };

/**
 * The `amr` (Authentication Methods References, RFC 8176 §2) of a session, from what its row records: `pwd` for a
 * password, `hwk` / `swk` for a passkey (alone or as the second factor), `fed` for a sign-in through an identity
 * provider (its `authMethod` is the provider's kind), `otp` for an authenticator app's code or a recovery code (both
 * one-time codes), and `mfa` once two factors were proved.
 *
 * RFC 8176's registry has no value for federated sign-in; `fed` is the one Microsoft Entra ID issues for it, and
 * OIDC Core §2 leaves amr values to the parties to agree on. An emailed link has no value in either and adds nothing.
 */
export function sessionAmr(authMethod: string, secondFactor: string | null): string[] {
  const passkey = PASSKEY_AMR[authMethod];
  const amr = authMethod === "password" ? ["pwd"] : passkey ? [passkey] : NO_AMR_VALUE.has(authMethod) ? [] : ["fed"];
  if (secondFactor === "totp" || secondFactor === "recovery_code") amr.push("otp", "mfa");
  const secondPasskey = secondFactor === null ? undefined : PASSKEY_AMR[secondFactor];
  if (secondPasskey) amr.push(secondPasskey, "mfa");
  return amr;
}
