import type { EntityManager } from "@mikro-orm/postgresql";
import { ClientSecret } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

export type RevokeClientSecretInput = {
  readonly clientSecretId: string;
  readonly organizationId: string;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/**
 * Revokes a client secret at once, overlap or not: the token endpoint refuses it from the moment the transaction
 * commits. Idempotent: revoking a revoked secret changes nothing and records nothing.
 */
export async function revokeClientSecret(
  em: EntityManager,
  input: RevokeClientSecretInput,
  now: Date,
): Promise<ClientSecret> {
  return em.fork().transactional(async (tx) => {
    const secret = await tx.findOne(ClientSecret, {
      id: input.clientSecretId,
      application: { organization: input.organizationId },
    });
    if (!secret) throw new NotFoundError("ClientSecret");
    if (secret.revokedAt) return secret;
    secret.revokedAt = now;
    recordEvent(
      tx,
      {
        type: "client_secret.revoked",
        organizationId: input.organizationId,
        applicationId: secret.application.id,
        subjectType: "client_secret",
        subjectId: secret.id,
        actor: input.actor,
        payload: {
          applicationId: secret.application.id,
          clientSecretId: secret.id,
          name: secret.name,
          last4: secret.last4,
        },
      },
      now,
    );
    return secret;
  });
}
