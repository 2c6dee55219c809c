import type { Webhook, WebhookDelivery } from "../../db/entities/index.ts";
import { redeliverWebhookDelivery } from "../../services/webhooks/redeliver-delivery.ts";
import { sendTestWebhookEvent } from "../../services/webhooks/send-test-event.ts";
import { builder } from "../builder.ts";
import { actorOf } from "../context.ts";
import { rowId } from "../global-id.ts";
import { WebhookNode } from "../types/webhook.ts";
import { WebhookDeliveryNode } from "../types/webhook-delivery.ts";

const RedeliverWebhookDeliveryPayload = builder
  .objectRef<{ delivery: WebhookDelivery; webhook: Webhook }>("RedeliverWebhookDeliveryPayload")
  .implement({
    description: "The attempt whose event is being sent again; the new attempt shows in the webhook's log shortly.",
    fields: (t) => ({
      delivery: t.field({
        type: WebhookDeliveryNode,
        description: "The attempt redelivered.",
        resolve: (p) => p.delivery,
      }),
      webhook: t.field({ type: WebhookNode, description: "The webhook it goes to.", resolve: (p) => p.webhook.id }),
    }),
  });

const SendTestWebhookEventPayload = builder
  .objectRef<{ webhook: Webhook; eventId: string }>("SendTestWebhookEventPayload")
  .implement({
    description: "A `webhook.test` message is on its way; its attempt shows in the webhook's log shortly.",
    fields: (t) => ({
      webhook: t.field({ type: WebhookNode, description: "The webhook it goes to.", resolve: (p) => p.webhook.id }),
      messageId: t.exposeString("eventId", {
        description: "The `webhook-id` the endpoint will receive (the test Event's row id); filter `deliveries` by it.",
      }),
    }),
  });

builder.mutationFields((t) => ({
  redeliverWebhookDelivery: t.field({
    type: RedeliverWebhookDeliveryPayload,
    description:
      "Sends the event of a logged attempt to its webhook again, as one new attempt with the same `webhook-id` " +
      "(never retried, and not counted towards disabling the webhook).",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "webhooks:write" },
    args: { id: t.arg.globalID({ required: true, description: "The attempt (a WebhookDelivery)." }) },
    resolve: (_root, args, context) =>
      redeliverWebhookDelivery(
        context.em,
        {
          deliveryId: rowId(args.id, "WebhookDelivery"),
          organizationId: context.principal.organizationId,
          actor: actorOf(context.principal),
        },
        context.now(),
      ),
  }),
  sendTestWebhookEvent: t.field({
    type: SendTestWebhookEventPayload,
    description:
      "Sends a signed `webhook.test` message to a webhook, whatever it subscribes to and even while it is disabled: " +
      "one attempt, logged like any other.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "webhooks:write" },
    args: { webhookId: t.arg.globalID({ required: true, description: "The webhook." }) },
    resolve: (_root, args, context) =>
      sendTestWebhookEvent(
        context.em,
        {
          webhookId: rowId(args.webhookId, "Webhook"),
          organizationId: context.principal.organizationId,
          actor: actorOf(context.principal),
        },
        context.now(),
      ),
  }),
}));
