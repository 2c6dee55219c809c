import { defineEntity, p } from "@mikro-orm/postgresql";
import { Webhook } from "./webhook.entity.ts";

export const webhookDeliveryStatuses = ["succeeded", "failed"] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** What caused an attempt: the event itself (and its automatic retries), an operator's redelivery, or a test. */
export const webhookDeliveryTriggers = ["event", "redelivery", "test"] as const;
export type WebhookDeliveryTrigger = (typeof webhookDeliveryTriggers)[number];

/**
 * One attempt to deliver an event to a webhook, written when the attempt ended (its id is fixed when the attempt is
 * queued, so a job that runs twice records once). `eventId` is a plain uuid: deliveries outlive pruned events.
 */
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
    trigger: p.enum(webhookDeliveryTriggers).default("event"),
    status: p.enum(webhookDeliveryStatuses),
    responseStatus: p.integer().nullable(),
    /** The first 1 KiB of the response body; null for a private target's answer, which is never shown back. */
    responseBody: p.text().nullable(),
    /** The response body's size: its Content-Length, else the bytes read (reading stops after the first KiB). */
    responseBytes: p.integer().nullable(),
    durationMs: p.integer().nullable(),
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    nextAttemptAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ["webhook", "createdAt"] }, { properties: ["createdAt"] }],
});

export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);
