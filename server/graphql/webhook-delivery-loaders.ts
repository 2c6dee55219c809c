import type { WebhookDelivery, WebhookDeliveryStatus } from "../db/entities/index.ts";
import { countDeliveries, latestDeliveries } from "../services/webhooks/latest-deliveries.ts";
import type { GraphQLContext } from "./context.ts";
import { groupBy, requestLoader } from "./loaders.ts";

/**
 * A webhook's newest `limit` attempts, loaded together with the same page of every webhook of the response (a page
 * of webhooks with their logs: two statements, not one per webhook).
 */
export function latestDeliveriesOf(
  context: GraphQLContext,
  webhookId: string,
  status: WebhookDeliveryStatus | null,
  limit: number,
): Promise<WebhookDelivery[]> {
  const loader = requestLoader(context, `webhook-deliveries|latest|${status ?? "*"}|${limit}`, async (webhookIds) =>
    groupBy(webhookIds, await latestDeliveries(context.em, webhookIds, status, limit), (row) => row.webhook.id),
  );
  return loader.load(webhookId);
}

/** How many attempts a webhook has, counted with every webhook of the response in one grouped statement. */
export function deliveryCountOf(
  context: GraphQLContext,
  webhookId: string,
  status: WebhookDeliveryStatus | null,
): Promise<number> {
  const loader = requestLoader(context, `webhook-deliveries|count|${status ?? "*"}`, (webhookIds) =>
    countDeliveries(context.em, webhookIds, status),
  );
  return loader.load(webhookId);
}
