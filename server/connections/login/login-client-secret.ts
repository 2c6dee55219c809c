import { openString } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { identityProviderSecretAad } from "../../crypto/secret-aad.ts";
import { signAppleClientSecret } from "./apple-client-secret.ts";

/** The columns of an identity provider that its client secret is made from. */
type SecretRow = {
  readonly id: string;
  readonly clientId: string;
  /** Envelope ciphertext, sealed under the provider's id. */
  readonly clientSecretEncrypted: string;
  readonly appleTeamId?: string | null | undefined;
  readonly appleKeyId?: string | null | undefined;
};

/**
 * The client secret one token request to the provider presents, opened only for it: the stored secret, or for an
 * Apple provider that keeps its .p8 key, a client-secret JWT signed now for the provider's issuer (`audience`).
 */
export async function loginClientSecret(
  row: SecretRow,
  audience: string,
  keyring: MasterKeyring,
  now: Date,
): Promise<string> {
  const secret = openString(keyring, row.clientSecretEncrypted, identityProviderSecretAad(row.id));
  if (!row.appleTeamId || !row.appleKeyId) return secret;
  return signAppleClientSecret(
    { teamId: row.appleTeamId, keyId: row.appleKeyId, privateKeyPem: secret },
    row.clientId,
    audience,
    now,
  );
}
