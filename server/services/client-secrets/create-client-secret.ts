import type { EntityManager } from "@mikro-orm/postgresql";
import type { ClientSecret } from "../../db/entities/index.ts";
import { recordAppOwnedEvent } from "../app-owned-event.ts";
import { mintClientSecret } from "../applications/mint-client-secret.ts";
import type { ActorType } from "../record-event.ts";
import { checkExpiresAt, checkSecretName, lockConfidentialApplication } from "./client-secret-rules.ts";

export type CreateClientSecretInput = {
  readonly applicationId: string;
  readonly organizationId: string;
  readonly name: string;
  readonly expiresAt?: Date | null;
  readonly createdById?: string | null;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

export type CreatedClientSecret = {
  readonly clientSecret: ClientSecret;
  /** Shown once; only its SHA-256 is stored. */
  readonly plaintext: string;
};

/**
 * Adds a secret to a confidential app, next to the ones it has: every unexpired, unrevoked secret authenticates.
 * Public apps have none (RFC 6749 §2.1): they prove themselves with PKCE.
 */
export async function createClientSecret(
  em: EntityManager,
  input: CreateClientSecretInput,
  now: Date,
): Promise<CreatedClientSecret> {
  const name = checkSecretName(input.name);
  const expiresAt = checkExpiresAt(input.expiresAt, now);
  return em.transactional(async (tx) => {
    const app = await lockConfidentialApplication(tx, input.applicationId, input.organizationId);
    const { secret, plaintext } = mintClientSecret(
      tx,
      { application: app, name, expiresAt, createdById: input.createdById ?? null },
      now,
    );
    recordAppOwnedEvent(
      tx,
      "client_secret.created",
      { kind: "client_secret", id: secret.id, applicationId: app.id },
      input,
      {
        name,
        last4: secret.last4,
        expiresAt: expiresAt?.toISOString() ?? null,
      },
      now,
    );
    return { clientSecret: secret, plaintext };
  });
}
