import { type EntityManager, LockMode } from "@mikro-orm/postgresql";
import { seal } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { mintSecret, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { webhookSecretAad } from "../../crypto/secret-aad.ts";
import { Webhook } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";
import { recordWebhookEvent } from "./webhook-event.ts";
import { PREVIOUS_SECRET_OVERLAP_MS } from "./webhook-rules.ts";

export type RotatedWebhookSecret = {
  readonly webhook: Webhook;
  /** The new `whsec_` secret, shown once. */
  readonly secret: string;
  /** Until when the replaced secret also signs deliveries. */
  readonly previousSecretExpiresAt: Date;
};

/**
 * Mints a new signing secret; the one it replaces keeps signing deliveries (as a second signature) for
 * {@link PREVIOUS_SECRET_OVERLAP_MS}, so a receiver can switch over without dropping any. Rotating again within
 * that window retires the older secret at once: only the current and the last one are ever kept.
 */
export async function rotateWebhookSecret(
  em: EntityManager,
  keyring: MasterKeyring,
  input: {
    readonly webhookId: string;
    readonly organizationId: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<RotatedWebhookSecret> {
  return em.transactional(async (tx) => {
    const webhook = await tx.findOne(
      Webhook,
      { id: input.webhookId, organization: input.organizationId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!webhook) throw new NotFoundError("Webhook");
    const secret = mintSecret(SECRET_PREFIXES.webhookSecret);
    const previousSecretExpiresAt = new Date(now.getTime() + PREVIOUS_SECRET_OVERLAP_MS);
    // Both columns share the row's AAD, so the current ciphertext moves over as it is.
    tx.assign(webhook, {
      previousSecretEncrypted: webhook.secretEncrypted,
      previousSecretExpiresAt,
      secretEncrypted: seal(keyring, secret, webhookSecretAad(webhook.id)),
      updatedAt: now,
    });
    recordWebhookEvent(
      tx,
      "webhook.secret_rotated",
      webhook,
      input,
      { previousSecretExpiresAt: previousSecretExpiresAt.toISOString() },
      now,
    );
    return { webhook, secret, previousSecretExpiresAt };
  });
}
