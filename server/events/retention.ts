import type pg from "pg";

const DELETE_BATCH = 5000;

/**
 * Deletes Events and delivery attempts older than `retentionDays` (0 keeps everything), in batches so no statement
 * holds locks for long. An Event still waiting in the outbox is never deleted, however old.
 */
export async function pruneEvents(
  pool: pg.Pool,
  retentionDays: number,
  now: Date,
): Promise<{ events: number; deliveries: number }> {
  if (retentionDays <= 0) return { events: 0, deliveries: 0 };
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const drain = async (sql: string) => {
    let total = 0;
    for (;;) {
      const result = await pool.query(sql, [cutoff, DELETE_BATCH]);
      total += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < DELETE_BATCH) return total;
    }
  };
  const events = await drain(
    `delete from events where id in (
       select id from events where created_at < $1 and dispatched_at is not null limit $2)`,
  );
  const deliveries = await drain(
    `delete from webhook_deliveries where id in (select id from webhook_deliveries where created_at < $1 limit $2)`,
  );
  return { events, deliveries };
}
