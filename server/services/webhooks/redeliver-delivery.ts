import type { EntityManager } from "@mikro-orm/postgresql";
import { Event, Webhook, WebhookDelivery } from "../../db/entities/index.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { WEBHOOK_REDELIVERY_EVENT } from "./event-types.ts";

/**
 * Sends the event of a logged attempt to its webhook once more, as a new attempt (numbered after the last) with
 * the same `webhook-id`, so a receiver that already processed it can tell. Works on a disabled webhook too; the
 * request is an audit Event, dispatched through the outbox like the rest. A redelivery is a single attempt: a
 * failure is logged, not retried, and does not count towards disabling the webhook.
 *
 * @throws NotFoundError when the attempt is not one of the organization's.
 * @throws ValidationError (`id`) when its event is past retention, so there is nothing left to send.
 */
export async function redeliverWebhookDelivery(
  em: EntityManager,
  input: {
    readonly deliveryId: string;
    readonly organizationId: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<{ readonly delivery: WebhookDelivery; readonly webhook: Webhook }> {
  return em.transactional(async (tx) => {
    const delivery = await tx.findOne(WebhookDelivery, {
      id: input.deliveryId,
      webhook: { organization: input.organizationId },
    });
    if (!delivery) throw new NotFoundError("WebhookDelivery");
    const webhook = await tx.findOneOrFail(Webhook, { id: delivery.webhook.id });
    const event = await tx.findOne(Event, { id: delivery.eventId }, { fields: ["id"] });
    if (!event) {
      throw new ValidationError("id", "the event of this delivery is past retention: there is nothing left to send");
    }
    recordEvent(
      tx,
      {
        type: WEBHOOK_REDELIVERY_EVENT,
        organizationId: input.organizationId,
        applicationId: webhook.application?.id ?? null,
        subjectType: "webhook",
        subjectId: webhook.id,
        actor: input.actor,
        payload: {
          webhookId: webhook.id,
          deliveryId: delivery.id,
          eventId: delivery.eventId,
          eventType: delivery.eventType,
        },
      },
      now,
    );
    return { delivery, webhook };
  });
}
