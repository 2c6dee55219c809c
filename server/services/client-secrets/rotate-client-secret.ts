import type { EntityManager } from "@mikro-orm/postgresql";
import { ClientSecret } from "../../db/entities/index.ts";
import { recordAppOwnedEvent } from "../app-owned-event.ts";
import { mintClientSecret } from "../applications/mint-client-secret.ts";
import { NotFoundError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";
import { checkOverlapSeconds, checkSecretName, lockConfidentialApplication } from "./client-secret-rules.ts";

/** How long old secrets keep working after a rotation unless the caller says otherwise: one day. */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 86_400;

export type RotateClientSecretInput = {
  readonly applicationId: string;
  readonly organizationId: string;
  readonly overlapSeconds?: number;
  readonly name?: string | null;
  /** Rotate this secret only (one a deploy tool manages); the app's other secrets stay as they are. */
  readonly clientSecretId?: string | null;
  readonly createdById?: string | null;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

export type RotatedClientSecret = {
  readonly clientSecret: ClientSecret;
  /** Shown once; only its SHA-256 is stored. */
  readonly plaintext: string;
  /** When the last of the previously active secrets stops working; null when there was none. */
  readonly previousSecretsExpireAt: Date | null;
};

/**
 * Rotates an app's secret without cutting a running deploy off: a new secret is minted and every active one (or only
 * `clientSecretId`, when given) keeps working until `now + overlapSeconds` (or its own earlier expiry), so the deploy
 * can switch in its own time. A `clientSecretId` that no longer works is replaced all the same.
 */
export async function rotateClientSecret(
  em: EntityManager,
  input: RotateClientSecretInput,
  now: Date,
): Promise<RotatedClientSecret> {
  const overlapSeconds = checkOverlapSeconds(input.overlapSeconds ?? DEFAULT_ROTATION_OVERLAP_SECONDS);
  const name = checkSecretName(input.name ?? `Rotated ${now.toISOString()}`);
  return em.transactional(async (tx) => {
    const app = await lockConfidentialApplication(tx, input.applicationId, input.organizationId);
    const cutoff = new Date(now.getTime() + overlapSeconds * 1000);
    if (input.clientSecretId) {
      const target = await tx.findOne(ClientSecret, { id: input.clientSecretId, application: app.id });
      if (!target) throw new NotFoundError("ClientSecret");
    }
    const active = await tx.find(
      ClientSecret,
      {
        application: app.id,
        ...(input.clientSecretId ? { id: input.clientSecretId } : {}),
        revokedAt: null,
        $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
      },
      { orderBy: { createdAt: "asc", id: "asc" } },
    );
    for (const secret of active) {
      if (!secret.expiresAt || secret.expiresAt > cutoff) secret.expiresAt = cutoff;
    }
    const expiries = active.map((secret) => (secret.expiresAt ?? cutoff).getTime());
    const previousSecretsExpireAt = expiries.length > 0 ? new Date(Math.max(...expiries)) : null;
    const { secret, plaintext } = mintClientSecret(
      tx,
      { application: app, name, expiresAt: null, createdById: input.createdById ?? null },
      now,
    );
    recordAppOwnedEvent(
      tx,
      "client_secret.rotated",
      { kind: "client_secret", id: secret.id, applicationId: app.id },
      input,
      {
        name,
        last4: secret.last4,
        overlapSeconds,
        previousSecrets: active.map((old) => ({
          clientSecretId: old.id,
          name: old.name,
          last4: old.last4,
          expiresAt: old.expiresAt?.toISOString() ?? null,
        })),
      },
      now,
    );
    return { clientSecret: secret, plaintext, previousSecretsExpireAt };
  });
}
