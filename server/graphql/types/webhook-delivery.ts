import { encodeGlobalID } from "@pothos/plugin-relay";
import { WebhookDelivery, type WebhookDeliveryStatus, type WebhookDeliveryTrigger } from "../../db/entities/index.ts";
import { builder } from "../builder.ts";
import type { GraphQLContext } from "../context.ts";
import { filterRowId, rowIdOf } from "../global-id.ts";
import { loadOwned } from "../loaders.ts";
import { type ConnectionArgs, paginateNewestFirst } from "../pagination.ts";
import { deliveryCountOf, latestDeliveriesOf } from "../webhook-delivery-loaders.ts";
import { WebhookNode } from "./webhook.ts";

export const WebhookDeliveryStatusEnum = builder.enumType("WebhookDeliveryStatus", {
  description: "How a delivery attempt ended.",
  values: {
    SUCCEEDED: { value: "succeeded", description: "The endpoint answered 2xx." },
    FAILED: {
      value: "failed",
      description: "Any other status, a timeout, a network error, or a refusal before sending (see `error`).",
    },
  } as const satisfies Record<string, { value: WebhookDeliveryStatus; description: string }>,
});

export const WebhookDeliveryTriggerEnum = builder.enumType("WebhookDeliveryTrigger", {
  description: "What caused a delivery attempt.",
  values: {
    EVENT: { value: "event", description: "The event itself, or one of its automatic retries." },
    REDELIVERY: { value: "redelivery", description: "`redeliverWebhookDelivery`: one attempt, never retried." },
    TEST: { value: "test", description: "`sendTestWebhookEvent`: one attempt, never retried." },
  } as const satisfies Record<string, { value: WebhookDeliveryTrigger; description: string }>,
});

/** One attempt of the delivery log; attempts of another organization's webhooks load as not found. */
export const WebhookDeliveryNode = builder.loadableNode(WebhookDelivery, {
  name: "WebhookDelivery",
  description:
    "One attempt to deliver an event to a webhook, logged when it ended. Every attempt of an event carries the same " +
    "`webhook-id` header (the event id), so receivers can deduplicate.",
  id: { resolve: (delivery) => delivery.id, description: "The attempt's global id." },
  load: (ids: string[], context) =>
    loadOwned(WebhookDelivery, ids, context, { webhook: { organization: context.principal.organizationId } }),
  authScopes: { apiKeyScope: "webhooks:write" },
  fields: (t) => ({
    webhook: t.field({
      type: WebhookNode,
      description: "The webhook it was sent to.",
      resolve: (delivery) => delivery.webhook.id,
    }),
    eventId: t.id({
      description: "The global id of the Event delivered: the message's `webhook-id` is its row id.",
      resolve: (delivery) => encodeGlobalID("Event", delivery.eventId),
    }),
    messageId: t.exposeString("eventId", {
      description: "The `webhook-id` header the endpoint received (the event's row id), the same on every attempt.",
    }),
    eventType: t.exposeString("eventType", { description: "The event's type, e.g. `grant.revoked`." }),
    attempt: t.exposeInt("attempt", {
      description: "1 for the first attempt of the event at this webhook, and so on.",
    }),
    trigger: t.field({
      type: WebhookDeliveryTriggerEnum,
      description: "What caused the attempt.",
      resolve: (delivery) => delivery.trigger,
    }),
    status: t.field({
      type: WebhookDeliveryStatusEnum,
      description: "How it ended.",
      resolve: (delivery) => delivery.status,
    }),
    responseStatus: t.int({
      nullable: true,
      description: "The HTTP status the endpoint answered; null when no answer came (timeout, network, refusal).",
      resolve: (delivery) => delivery.responseStatus ?? null,
    }),
    responseBody: t.string({
      nullable: true,
      description:
        "The first 1 KiB of the response body (nothing more is read); null when no answer came, and for an endpoint " +
        "that did not pass the public-address check (a private target, allowed by LATCH_ALLOW_PRIVATE_WEBHOOKS), " +
        "whose answer is never shown back: see `responseBytes`.",
      resolve: (delivery) => delivery.responseBody ?? null,
    }),
    responseBytes: t.int({
      nullable: true,
      description:
        "The size of the response body in bytes: its Content-Length when the endpoint declared one, otherwise the " +
        "bytes read before reading stopped (after the first KiB). Null when no answer came.",
      resolve: (delivery) => delivery.responseBytes ?? null,
    }),
    durationMs: t.int({
      nullable: true,
      description: "Milliseconds from sending to the end of the answer (0 when refused before sending).",
      resolve: (delivery) => delivery.durationMs ?? null,
    }),
    error: t.string({
      nullable: true,
      description:
        "Why it failed, e.g. `HTTP 500`, `timed out after 10000 ms` or an SSRF refusal; null when it succeeded.",
      resolve: (delivery) => delivery.error ?? null,
    }),
    nextAttemptAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the next automatic attempt is due (with jitter); null when none follows.",
      resolve: (delivery) => delivery.nextAttemptAt ?? null,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the attempt ended." }),
  }),
});

/** A page of the log that can count every attempt its filter matches, queried only when asked for. */
type Counted = { countAll: () => Promise<number> };

/** Loads a webhook's first page and count together with those of the other webhooks of the response. */
type Batched = { firstPage(limit: number): Promise<WebhookDelivery[]>; count(): Promise<number> };

async function deliveryPage(
  context: GraphQLContext,
  where: Record<string, unknown>,
  args: ConnectionArgs,
  batched?: Batched,
) {
  const connection = await paginateNewestFirst(args, ({ where: keyset, orderBy, limit }) =>
    // The newest page (no cursor, not `last`) is the one a list of webhooks shows: that one is batched.
    batched && Object.keys(keyset).length === 0 && orderBy.createdAt === "desc"
      ? batched.firstPage(limit)
      : context.em.find(WebhookDelivery, { $and: [where, keyset] } as never, { orderBy, limit }),
  );
  const counted: Counted = {
    countAll: () => (batched ? batched.count() : context.em.count(WebhookDelivery, where as never)),
  };
  return Object.assign(connection, counted);
}

const connectionDescription = {
  description: "A page of the delivery log, newest first.",
  edgesField: { description: "The attempts of this page, each with its cursor." },
};
const totalCountField = {
  description: "Attempts matching the filter, across all pages.",
  resolve: (connection: object) => (connection as Counted).countAll(),
};
const edgeOptions = { description: "A delivery attempt and its cursor.", nodeField: { description: "The attempt." } };

builder.objectFields(WebhookNode, (t) => ({
  consecutiveFailures: t.exposeInt("consecutiveFailures", {
    description:
      "Events in a row that failed every retry; the webhook is disabled when it reaches the configured limit " +
      "(LATCH_WEBHOOK_DISABLE_AFTER_FAILURES). Any successful attempt resets it.",
  }),
  deliveries: t.connection(
    {
      type: WebhookDeliveryNode,
      description: "This webhook's delivery log, newest first.",
      authScopes: { apiKeyScope: "webhooks:write" },
      args: {
        status: t.arg({
          type: WebhookDeliveryStatusEnum,
          required: false,
          description: "Only attempts that ended so.",
        }),
      },
      resolve: (webhook, args, context) => {
        const status = args.status ?? null;
        return deliveryPage(context, { webhook: webhook.id, ...(status ? { status } : {}) }, args, {
          firstPage: (limit) => latestDeliveriesOf(context, webhook.id, status, limit),
          count: () => deliveryCountOf(context, webhook.id, status),
        });
      },
    },
    {
      ...connectionDescription,
      name: "WebhookDeliveriesConnection",
      fields: (c) => ({ totalCount: c.int(totalCountField) }),
    },
    { ...edgeOptions, name: "WebhookDeliveriesConnectionEdge" },
  ),
}));

builder.queryFields((t) => ({
  deliveries: t.connection(
    {
      type: WebhookDeliveryNode,
      description: "The delivery log of the organization's webhooks, newest first.",
      authScopes: { apiKeyScope: "webhooks:write" },
      args: {
        webhookId: t.arg.globalID({ required: false, description: "Only attempts to this webhook." }),
        eventId: t.arg.id({
          required: false,
          description: "Only attempts of this event: its global id, or its row id (the `webhook-id` header).",
        }),
        status: t.arg({
          type: WebhookDeliveryStatusEnum,
          required: false,
          description: "Only attempts that ended so.",
        }),
      },
      resolve: (_root, args, context) => {
        const where: Record<string, unknown> = { webhook: { organization: context.principal.organizationId } };
        if (args.webhookId)
          where.webhook = {
            id: filterRowId(args.webhookId, "Webhook"),
            organization: context.principal.organizationId,
          };
        if (args.eventId) {
          // Not a uuid: no event has it, and it must not reach SQL as one (rowIdOf gives a uuid no row has).
          where.eventId = rowIdOf(args.eventId, "Event");
        }
        if (args.status) where.status = args.status;
        return deliveryPage(context, where, args);
      },
    },
    { ...connectionDescription, fields: (c) => ({ totalCount: c.int(totalCountField) }) },
    edgeOptions,
  ),
}));
