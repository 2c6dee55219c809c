import type { EntityManager } from "@mikro-orm/postgresql";
import { Webhook } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";
import { WEBHOOK_TEST_EVENT } from "./event-types.ts";
import { recordWebhookEvent } from "./webhook-event.ts";
import { urlOrigin } from "./webhook-rules.ts";

/**
 * Queues a `webhook.test` message to one webhook, whatever events it subscribes to and even while it is disabled
 * (to check an endpoint before turning it back on). It goes through the outbox like any event: the returned event
 * id is the message's `webhook-id`, and its attempt shows in the webhook's delivery log. A test is a single attempt
 * and never counts towards disabling the webhook.
 */
export async function sendTestWebhookEvent(
  em: EntityManager,
  input: {
    readonly webhookId: string;
    readonly organizationId: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<{ readonly webhook: Webhook; readonly eventId: string }> {
  return em.transactional(async (tx) => {
    const webhook = await tx.findOne(Webhook, { id: input.webhookId, organization: input.organizationId });
    if (!webhook) throw new NotFoundError("Webhook");
    const event = recordWebhookEvent(
      tx,
      WEBHOOK_TEST_EVENT,
      webhook,
      input,
      {
        origin: urlOrigin(webhook.url),
        message: "A test event from Latch: your endpoint is reachable and verifies signatures.",
      },
      now,
    );
    return { webhook, eventId: event.id };
  });
}
