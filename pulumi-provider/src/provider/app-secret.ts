/**
 * The one client secret an OAuthApp resource manages, among the app's others (ClientSecret resources', a partner's,
 * one made in the console): found by id (or, in state written before the id was kept, by its last four characters),
 * rotated alone, and noticed when it no longer works. Serialized with the providers: globals only.
 */
import type { ErrorSubject, LatchSettings } from "./client.ts";
import { mutate } from "./common.ts";

/** What the app's `clientSecrets` field shows of each secret. */
export type LiveAppSecret = { id: string; last4: string; status: "ACTIVE" | "EXPIRED" | "REVOKED" };

/** The secret state an OAuthApp carries. */
export type AppSecret = {
  clientSecret: string | null;
  clientSecretId: string | null;
  previousSecretsExpireAt: string | null;
};

export const APP_SECRETS_FIELD = "clientSecrets { id last4 status }";

/** The managed secret among the app's: by id, else the one active secret with the plaintext's last four characters. */
export function managedSecret(
  secrets: readonly LiveAppSecret[],
  secret: Pick<AppSecret, "clientSecret" | "clientSecretId">,
): LiveAppSecret | undefined {
  if (secret.clientSecretId) return secrets.find((live) => live.id === secret.clientSecretId);
  if (!secret.clientSecret) return undefined;
  const last4 = secret.clientSecret.slice(-4);
  const matches = secrets.filter((live) => live.status === "ACTIVE" && live.last4 === last4);
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * The state's secret as the server has it: carried forward while it works, null (so diff mints another) when it was
 * revoked by hand or expired.
 */
export function liveAppSecret(secrets: readonly LiveAppSecret[], secret: AppSecret): AppSecret {
  const managed = managedSecret(secrets, secret);
  if (managed?.status !== "ACTIVE") {
    return { clientSecret: null, clientSecretId: managed?.id ?? secret.clientSecretId, previousSecretsExpireAt: null };
  }
  return { ...secret, clientSecretId: managed.id };
}

type Minted = { secret: string; clientSecret: { id: string }; previousSecretsExpireAt?: string | null };

/**
 * A new secret for the app. With the managed secret's id it is a rotation of that one only (it keeps working for
 * `overlapSeconds`); without one (adoption, or a managed secret that cannot be found) a plain new secret, so that
 * the app's other secrets are never cut off.
 */
export async function mintAppSecret(
  settings: LatchSettings,
  applicationId: string,
  replacing: string | null,
  overlapSeconds: number,
  label: string,
  subject: ErrorSubject,
): Promise<AppSecret> {
  const name = label.slice(0, 100);
  const minted = replacing
    ? await mutate<Minted>(
        settings,
        "rotateClientSecret",
        `mutation LatchPulumiRotate($applicationId: ID!, $clientSecretId: ID, $overlapSeconds: Int, $name: String) {
          rotateClientSecret(applicationId: $applicationId, clientSecretId: $clientSecretId, overlapSeconds: $overlapSeconds, name: $name) {
            __typename ...MutationErrors
            ... on RotateClientSecretPayload { secret previousSecretsExpireAt clientSecret { id } }
          }
        }`,
        { applicationId, clientSecretId: replacing, overlapSeconds, name },
        subject,
      )
    : await mutate<Minted>(
        settings,
        "createClientSecret",
        `mutation LatchPulumiMintAppSecret($applicationId: ID!, $name: String!) {
          createClientSecret(applicationId: $applicationId, name: $name) {
            __typename ...MutationErrors ... on CreateClientSecretPayload { secret clientSecret { id } }
          }
        }`,
        { applicationId, name },
        subject,
      );
  return {
    clientSecret: minted.secret,
    clientSecretId: minted.clientSecret.id,
    previousSecretsExpireAt: minted.previousSecretsExpireAt ?? null,
  };
}
