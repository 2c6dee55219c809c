import { defineEntity, p } from "@mikro-orm/postgresql";
import { Webhook } from "./webhook.entity.ts";

export const webhookDeliveryStatuses = ["pending", "succeeded", "failed"] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** One attempt to deliver an event to a webhook. `eventId` is a plain uuid: deliveries outlive pruned events. */
export const WebhookDeliverySchema = defineEntity({
  name: "WebhookDelivery",
  tableName: "webhook_deliveries",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    webhook: () => p.manyToOne(Webhook).ref().deleteRule("cascade"),
    eventId: p.uuid().index(),
    eventType: p.text(),
    attempt: p.integer(),
    status: p.enum(webhookDeliveryStatuses),
    responseStatus: p.integer().nullable(),
    /** The first 1 KiB of the response body. */
    responseBody: p.text().nullable(),
    durationMs: p.integer().nullable(),
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    nextAttemptAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ["webhook", "createdAt"] }],
});

export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);
