import { isAppleSigningKey } from "../../connections/login/apple-client-secret.ts";
import type { IdentityProviderKind } from "../../db/entities/index.ts";
import { ValidationError } from "../errors.ts";

/** Apple's team ids and key ids: ten upper-case letters or digits. */
const APPLE_ID = /^[A-Z0-9]{10}$/;
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** Both ids of an Apple provider that signs its own client secret, or null for a secret used as given. */
export type AppleSigning = { readonly teamId: string; readonly keyId: string } | null;

function checkAppleId(field: "appleTeamId" | "appleKeyId", value: string | null | undefined): string | null {
  const id = value?.trim() ?? "";
  if (id === "") return null;
  if (!APPLE_ID.test(id)) throw new ValidationError(field, `${field} must be ten upper-case letters or digits`);
  return id;
}

/** The team and key ids as given: both or neither, and only for an apple provider. */
export function checkAppleSigning(
  kind: IdentityProviderKind,
  teamId: string | null | undefined,
  keyId: string | null | undefined,
): AppleSigning {
  const team = checkAppleId("appleTeamId", teamId);
  const key = checkAppleId("appleKeyId", keyId);
  if (team === null && key === null) return null;
  if (kind !== "apple") {
    throw new ValidationError(team ? "appleTeamId" : "appleKeyId", "appleTeamId and appleKeyId apply to apple only");
  }
  if (team === null) throw new ValidationError("appleTeamId", "appleKeyId needs the appleTeamId of its team");
  if (key === null) throw new ValidationError("appleKeyId", "appleTeamId needs the appleKeyId of the .p8 key");
  return { teamId: team, keyId: key };
}

/**
 * With signing ids the secret must be the .p8 key Latch signs with; without them a private key is refused, since it
 * would be sent upstream as a password. The message never echoes the secret.
 */
export async function checkSecretForSigning(kind: string, secret: string, signing: AppleSigning): Promise<void> {
  if (signing !== null && !(await isAppleSigningKey(secret))) {
    throw new ValidationError(
      "clientSecret",
      "with appleKeyId, clientSecret must be the .p8 key Apple issued (a PKCS #8 PEM P-256 private key)",
    );
  }
  if (signing === null && PRIVATE_KEY_PEM.test(secret)) {
    throw new ValidationError(
      "clientSecret",
      kind === "apple"
        ? "clientSecret is a private key: give appleTeamId and appleKeyId to have Latch sign Apple's client secret with it"
        : `clientSecret is a private key, which would be sent to ${kind} as a password: give the client secret ${kind} issued`,
    );
  }
}

/** What identifies the secret in the clear: the last four characters of the secret, or of a key's base64 body. */
export function secretLast4(secret: string): string {
  const body = PRIVATE_KEY_PEM.test(secret) ? secret.replace(/-----[A-Z ]+-----|\s/g, "") : secret;
  return body.slice(-4);
}
