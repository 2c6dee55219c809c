import type { EntityManager } from "@mikro-orm/postgresql";
import { Webhook } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";
import { recordWebhookEvent } from "./webhook-event.ts";
import { urlOrigin } from "./webhook-rules.ts";

/** Deletes a webhook with its delivery log; nothing more is sent to it from the moment the transaction commits. */
export async function deleteWebhook(
  em: EntityManager,
  input: {
    readonly webhookId: string;
    readonly organizationId: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<void> {
  await em.transactional(async (tx) => {
    const webhook = await tx.findOne(Webhook, { id: input.webhookId, organization: input.organizationId });
    if (!webhook) throw new NotFoundError("Webhook");
    recordWebhookEvent(tx, "webhook.deleted", webhook, input, { origin: urlOrigin(webhook.url) }, now);
    await tx.nativeDelete(Webhook, { id: webhook.id });
  });
}
