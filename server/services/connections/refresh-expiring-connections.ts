import type { EntityManager } from "@mikro-orm/postgresql";
import type { UpstreamNetwork } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import type { Logger } from "../../logger.ts";
import { refreshConnection } from "./refresh-connection.ts";
import { RENEWAL_MARGIN_MS } from "./renewal-due.ts";

export type RefreshRunSummary = {
  readonly refreshed: number;
  readonly needsReauth: number;
  readonly failed: number;
  /** Held by another caller, or found fresh once locked. */
  readonly skipped: number;
};

/** How many connections one run takes at most; the next run takes the rest. */
const BATCH = 200;

/**
 * The background half of connection refresh: refreshes every active user connection whose refresh falls due before
 * the next run (`lookaheadMs`, the run interval), so a token is renewed ahead of its expiry even when no caller asks
 * for it. Rows another caller holds are skipped (`FOR UPDATE SKIP LOCKED`), so replicas running the job and on-demand
 * refreshes never spend one refresh token twice. Failures are logged by code; they never stop the run.
 */
export async function refreshExpiringConnections(
  em: EntityManager,
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  logger: Logger,
  now: Date,
  lookaheadMs: number,
): Promise<RefreshRunSummary> {
  const due = await em.getConnection().execute<{ id: string }[]>(
    `select c.id from connections c join integration_credentials i on i.id = c.integration_id
      where c.status = 'active' and c.user_id is not null and i.grant_type = 'authorization_code'
        and c.refresh_token_encrypted is not null and c.expires_at is not null
        and c.expires_at - least(?::interval, (c.expires_at - coalesce(c.last_refreshed_at, c.expires_at)) / 2)
            <= ?::timestamptz + ?::interval
      order by c.expires_at limit ?`,
    [`${RENEWAL_MARGIN_MS} milliseconds`, now, `${lookaheadMs} milliseconds`, BATCH],
  );
  const summary = { refreshed: 0, needsReauth: 0, failed: 0, skipped: 0 };
  for (const { id } of due) {
    try {
      const outcome = await refreshConnection(em, keyring, network, id, now, {
        skipLocked: true,
        withinMs: lookaheadMs,
      });
      if (outcome.kind === "refreshed") summary.refreshed++;
      else if (outcome.kind === "needs_reauth" || outcome.kind === "failed") {
        if (outcome.kind === "needs_reauth") summary.needsReauth++;
        else summary.failed++;
        logger.warn(
          {
            connectionId: id,
            code: outcome.error.code,
            upstreamError: outcome.error.upstreamError,
            reason: outcome.error.message,
          },
          outcome.kind === "needs_reauth"
            ? "connection needs re-authorization"
            : "connection refresh failed; retrying later",
        );
      } else summary.skipped++;
    } catch (error) {
      summary.failed++;
      logger.error({ connectionId: id, err: error }, "connection refresh job failed for one connection");
    }
  }
  return summary;
}
