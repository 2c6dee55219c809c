import type pg from "pg";

/** How long a finished or expired flow is kept after its expiry, for a support look at a recent failed sign-in. */
export const UPSTREAM_FLOW_KEEP_MS = 24 * 60 * 60_000;

/**
 * Deletes pending upstream flows that expired more than {@link UPSTREAM_FLOW_KEEP_MS} ago, used or not: a flow lives
 * ten minutes, so without this every sign-in and connection would leave a row behind forever.
 */
export async function pruneUpstreamFlows(pool: pg.Pool, now: Date): Promise<number> {
  const result = await pool.query("delete from upstream_flows where expires_at < $1", [
    new Date(now.getTime() - UPSTREAM_FLOW_KEEP_MS),
  ]);
  return result.rowCount ?? 0;
}
