import { openString } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { identityProviderSecretAad } from "../../crypto/secret-aad.ts";
import type { IdentityProvider } from "../../db/entities/index.ts";
import { signAppleClientSecret } from "./apple-client-secret.ts";

type SecretRow = Pick<IdentityProvider, "id" | "clientId" | "clientSecretEncrypted" | "appleTeamId" | "appleKeyId">;

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
