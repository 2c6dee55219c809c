import type { EntityManager } from "@mikro-orm/postgresql";
import { WebhookDelivery, type WebhookDeliveryStatus } from "../../db/entities/index.ts";
import { uuidArrayLiteral } from "../../db/uuid-array.ts";

/**
 * The newest `limit` delivery attempts of each webhook (of one status, when given), newest first, all in one list:
 * two statements for any number of webhooks. Each webhook's rows are read from the end of its (webhook_id,
 * created_at) index, so a busy webhook's long log costs no more than a quiet one's.
 */
export async function latestDeliveries(
  em: EntityManager,
  webhookIds: readonly string[],
  status: WebhookDeliveryStatus | null,
  limit: number,
): Promise<WebhookDelivery[]> {
  const ids = await em.execute<{ id: string }[]>(
    `select d.id from unnest(cast(? as uuid[])) as w(id)
     cross join lateral (
       select id from webhook_deliveries
       where webhook_id = w.id and (cast(? as text) is null or status = ?)
       order by created_at desc, id desc
       limit ?
     ) d`,
    [uuidArrayLiteral(webhookIds), status, status, limit],
  );
  if (ids.length === 0) return [];
  return em.find(
    WebhookDelivery,
    { id: { $in: ids.map((row) => row.id) } },
    { orderBy: { createdAt: "desc", id: "desc" } },
  );
}

/** How many delivery attempts each webhook has (of one status, when given): one grouped statement. */
export async function countDeliveries(
  em: EntityManager,
  webhookIds: readonly string[],
  status: WebhookDeliveryStatus | null,
): Promise<number[]> {
  const rows = await em.execute<{ webhook_id: string; n: number }[]>(
    `select webhook_id, count(*)::int as n from webhook_deliveries
     where webhook_id = any(cast(? as uuid[])) and (cast(? as text) is null or status = ?)
     group by webhook_id`,
    [uuidArrayLiteral(webhookIds), status, status],
  );
  const counts = new Map(rows.map((row) => [row.webhook_id, row.n]));
  return webhookIds.map((id) => counts.get(id) ?? 0);
}
