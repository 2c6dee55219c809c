import type { MikroORM } from "@mikro-orm/postgresql";
import type { CronItem } from "graphile-worker";
import type { MasterKeyring } from "../crypto/master-key.ts";
import type { Logger } from "../logger.ts";
import {
  type RefreshRunSummary,
  refreshExpiringConnections,
} from "../services/connections/refresh-expiring-connections.ts";

/** graphile-worker task (cron, every minute) that refreshes user connections before their tokens expire. */
export const CONNECTION_REFRESH_TASK = "latch_refresh_connections";

/** The run interval: each run refreshes what falls due before the next one. */
export const CONNECTION_REFRESH_INTERVAL_MS = 60_000;

/** Every minute; a run missed while no worker was up is not made up (the next one covers it). */
export const CONNECTION_REFRESH_CRON: CronItem = {
  task: CONNECTION_REFRESH_TASK,
  match: "* * * * *",
  identifier: CONNECTION_REFRESH_TASK,
  options: { backfillPeriod: 0 },
};

/**
 * One run of the job: refreshes the connections due before the next run (see `refreshExpiringConnections`) and logs
 * the counts when there was anything to do.
 */
export async function runConnectionRefresh(
  deps: {
    readonly orm: MikroORM;
    readonly keyring: MasterKeyring;
    readonly logger: Logger;
    /** LATCH_ALLOW_PRIVATE_WEBHOOKS: the address guard of the upstream token endpoints too. */
    readonly allowPrivateWebhooks: boolean;
  },
  now: Date,
): Promise<RefreshRunSummary> {
  const summary = await refreshExpiringConnections(
    deps.orm.em,
    deps.keyring,
    { allowPrivate: deps.allowPrivateWebhooks },
    deps.logger,
    now,
    CONNECTION_REFRESH_INTERVAL_MS,
  );
  if (summary.refreshed + summary.needsReauth + summary.failed > 0) {
    deps.logger.info({ ...summary }, "refreshed user connections");
  }
  return summary;
}
