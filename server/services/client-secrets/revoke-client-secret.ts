import type { EntityManager } from "@mikro-orm/postgresql";
import { ClientSecret } from "../../db/entities/index.ts";
import { recordAppOwnedEvent } from "../app-owned-event.ts";
import { NotFoundError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";
import { checkOverlapSeconds } from "./client-secret-rules.ts";

export type RevokeClientSecretInput = {
  readonly clientSecretId: string;
  readonly organizationId: string;
  /** How long it keeps working first, 0 (at once, the default) to 30 days: a deploy being replaced keeps running. */
  readonly overlapSeconds?: number;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/**
 * Revokes a client secret: at once (the token endpoint refuses it from the moment the transaction commits), or after
 * `overlapSeconds`, by moving its expiry that close (never later than it was). Idempotent: a revoked secret, or one
 * that stops working by then anyway, is left as it is, with no Event; a later call with a shorter overlap shortens it.
 */
export async function revokeClientSecret(
  em: EntityManager,
  input: RevokeClientSecretInput,
  now: Date,
): Promise<ClientSecret> {
  const overlapSeconds = checkOverlapSeconds(input.overlapSeconds ?? 0);
  return em.transactional(async (tx) => {
    const secret = await tx.findOne(ClientSecret, {
      id: input.clientSecretId,
      application: { organization: input.organizationId },
    });
    if (!secret) throw new NotFoundError("ClientSecret");
    if (secret.revokedAt) return secret;
    const cutoff = new Date(now.getTime() + overlapSeconds * 1000);
    if (overlapSeconds === 0) secret.revokedAt = now;
    else if (secret.expiresAt && secret.expiresAt <= cutoff) return secret;
    else secret.expiresAt = cutoff;
    recordAppOwnedEvent(
      tx,
      "client_secret.revoked",
      { kind: "client_secret", id: secret.id, applicationId: secret.application.id },
      input,
      {
        name: secret.name,
        last4: secret.last4,
        stopsWorkingAt: cutoff.toISOString(),
      },
      now,
    );
    return secret;
  });
}
