import { EventEmitter } from "node:events";
import type { MikroORM } from "@mikro-orm/postgresql";
import {
  Logger as GraphileLogger,
  parseCronItems,
  type Runner,
  run,
  type TaskList,
  type WorkerEvents,
} from "graphile-worker";
import pg from "pg";
import type { Config } from "../config.ts";
import type { MasterKeyring } from "../crypto/master-key.ts";
import { startChangeListener } from "../db/change-listener.ts";
import type { Logger } from "../logger.ts";
import type { Mailer } from "../services/mail/mailer.ts";
import { getAccessToken } from "../services/service-tokens/get-access-token.ts";
import { pruneUpstreamFlows } from "../services/upstream-flows/prune-upstream-flows.ts";
import { CONNECTION_REFRESH_CRON, CONNECTION_REFRESH_TASK, runConnectionRefresh } from "./connection-refresh.ts";
import { type DeliveryContext, deliverWebhook } from "./deliver.ts";
import { dispatchPendingEvents } from "./dispatch.ts";
import { createEndpointGate } from "./endpoint-gate.ts";
import { DELIVER_TASK, deliverJobSpec, EXPIRY_TASK, isDeliverJob, PRUNE_TASK } from "./jobs.ts";
import { recoverAbandonedJobs, startWorkerLiveness } from "./liveness.ts";
import { DEFAULT_REQUEST_TIMEOUT_MS } from "./post-webhook.ts";
import { pruneEvents } from "./retention.ts";
import { STANDARD_WEBHOOKS_SCHEDULE_MS } from "./retry-schedule.ts";
import { REVOKE_GRANTS_TASK, revokeGrantsInBackground } from "./revoke-grants-job.ts";
import { recordSecretExpiryWarnings } from "./secret-expiry.ts";
import { SIGN_IN_ALERT_TASK, sendSignInAlert } from "./sign-in-alert-job.ts";
import { addJobs } from "./sql.ts";
import type { ResolveOptions } from "./ssrf-guard.ts";

/** The channel the `events` insert trigger notifies at commit. */
export const EVENTS_CHANNEL = "latch_events";

export type EventWorkerOptions = {
  readonly orm: MikroORM;
  readonly keyring: MasterKeyring;
  readonly logger: Logger;
  readonly allowPrivateWebhooks: boolean;
  readonly eventRetentionDays: number;
  readonly disableAfterFailures: number;
  /** Delivery attempts in flight in this process (default 16). */
  readonly concurrency?: number;
  /** Per attempt: connecting, waiting and reading (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Delay before each attempt (default: the Standard Webhooks schedule). Tests shorten it. */
  readonly retrySchedule?: readonly number[];
  /** How often the outbox is checked without a notification, and jobs due later are looked for (default 2 s). */
  readonly pollIntervalMs?: number;
  /** A job locked this long by a worker that is gone is released (default 10 s). */
  readonly recoverAfterMs?: number;
  readonly lookup?: ResolveOptions["lookup"];
  /** Where sign-in alerts go; without it (a worker started for webhooks alone) they are dropped with a warning. */
  readonly mail?: { readonly mailer: Mailer; readonly publicUrl: string };
  /** The clock deliveries and the daily jobs read; the system's by default. */
  readonly clock?: () => Date;
};

export type EventWorker = {
  /** Fans out what waits in the outbox now, without waiting for a notification (tests, benchmarks). */
  dispatchNow(): Promise<void>;
  /** Stops taking work, waits for the attempts in flight (aborting them after a few seconds), and disconnects. */
  stop(): Promise<void>;
};

function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta, component: "graphile-worker" };
    if (level === "error") logger.error(fields, message);
    else if (level === "warning") logger.warn(fields, message);
    else logger.debug(fields, message);
  });
}

/**
 * Starts the webhook worker: the outbox dispatcher, the delivery jobs and the daily retention job.
 *
 * The queue is graphile-worker, not pg-boss or a broker: it lives in the PostgreSQL Latch already runs (no new
 * infrastructure, and jobs are queued in the same transaction as the state they follow from); workers take jobs
 * with `FOR UPDATE SKIP LOCKED` and wake on LISTEN/NOTIFY, so any number of replicas share the work without
 * coordination and without polling delay; it has cron with exactly-once scheduling across replicas (the retention
 * job); and it runs in the server's process as well as alone (`npm run worker`).
 *
 * Durability: an Event is dispatched (its jobs queued, itself marked) in one transaction, and each attempt is
 * recorded with its retry queued in one transaction, so a crash at any point loses nothing; at worst an attempt is
 * sent again, with the same `webhook-id`. Jobs of a worker killed mid-delivery are released by
 * {@link recoverAbandonedJobs} once its liveness lock is gone.
 */
export async function startEventWorker(options: EventWorkerOptions): Promise<EventWorker> {
  const { logger } = options;
  const url = options.orm.config.get("clientUrl")!;
  const concurrency = options.concurrency ?? 16;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const recoverAfterMs = options.recoverAfterMs ?? 10_000;
  // Attempts hold no connection while they wait on HTTP, so the pool stays small whatever the concurrency; one of
  // its connections is graphile-worker's LISTEN.
  const pool = new pg.Pool({ connectionString: url, max: Math.min(concurrency, 8) + 3, keepAlive: true });
  // A pooled connection that dies (idle or busy) must not take the process with it; the next query reconnects.
  const connectionLost = (error: Error) => logger.warn({ err: error }, "webhook worker database connection lost");
  pool.on("error", connectionLost);
  pool.on("connect", (client) => client.on("error", connectionLost));

  const clock = options.clock ?? (() => new Date());
  const context: DeliveryContext = {
    pool,
    keyring: options.keyring,
    logger,
    allowPrivateWebhooks: options.allowPrivateWebhooks,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    retrySchedule: options.retrySchedule ?? STANDARD_WEBHOOKS_SCHEDULE_MS,
    disableAfterFailures: options.disableAfterFailures,
    ...(options.lookup ? { lookup: options.lookup } : {}),
    clock,
    serviceAccessToken: (integrationId) =>
      getAccessToken(
        options.orm.em,
        options.keyring,
        { allowPrivate: options.allowPrivateWebhooks },
        integrationId,
        clock(),
      ),
  };

  const gate = createEndpointGate(concurrency);
  const taskList: TaskList = {
    [DELIVER_TASK]: async (payload, helpers) => {
      if (!isDeliverJob(payload)) {
        helpers.logger.error(`malformed ${DELIVER_TASK} payload; dropped`);
        return;
      }
      const admission = gate.admit(payload.webhookId);
      if (!admission.admitted) {
        // The attempt waits its turn as the same job (so it still records once) and the slot goes to another
        // endpoint: a slow endpoint's for about a timeout, a busy fast one's for a moment.
        const wait = (admission.slow ? context.requestTimeoutMs : 100) * (0.5 + Math.random() / 2);
        await addJobs(pool, [deliverJobSpec(payload, new Date(Date.now() + wait))]);
        return;
      }
      const leave = gate.enter(payload.webhookId);
      try {
        await deliverWebhook(context, payload, helpers.abortSignal);
      } finally {
        leave();
      }
    },
    [REVOKE_GRANTS_TASK]: async (payload) => {
      const eventId = (payload as { eventId?: unknown } | null)?.eventId;
      if (typeof eventId !== "string") return;
      const marked = await revokeGrantsInBackground(pool, eventId, clock);
      logger.info({ eventId, marked }, "marked the grants of an app-wide revocation");
    },
    [SIGN_IN_ALERT_TASK]: async (payload) => {
      const eventId = (payload as { eventId?: unknown } | null)?.eventId;
      if (typeof eventId !== "string") return;
      if (!options.mail) {
        logger.warn({ eventId }, "sign-in alert dropped: this worker has no mailer");
        return;
      }
      await sendSignInAlert(pool, options.mail, eventId);
    },
    [EXPIRY_TASK]: async () => {
      const recorded = await recordSecretExpiryWarnings(pool, clock());
      if (recorded > 0) logger.info({ recorded }, "recorded client secret expiry warnings");
    },
    [CONNECTION_REFRESH_TASK]: async () => {
      await runConnectionRefresh(options, clock());
    },
    [PRUNE_TASK]: async () => {
      const now = clock();
      const pruned = await pruneEvents(pool, options.eventRetentionDays, now);
      const upstreamFlows = await pruneUpstreamFlows(pool, now);
      logger.info(
        { ...pruned, upstreamFlows, retentionDays: options.eventRetentionDays },
        "pruned events past retention",
      );
    },
  };

  const liveness = startWorkerLiveness({ url, logger });
  const events: WorkerEvents = new EventEmitter() as WorkerEvents;
  events.on("worker:create", ({ worker }) => liveness.register(worker.workerId));
  events.on("worker:stop", ({ worker }) => liveness.unregister(worker.workerId));

  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency,
      noHandleSignals: true,
      pollInterval: pollIntervalMs,
      gracefulShutdownAbortTimeout: 3000,
      logger: graphileLogger(logger),
      events,
      taskList,
      parsedCronItems: parseCronItems([
        { task: PRUNE_TASK, match: "17 3 * * *", identifier: PRUNE_TASK, options: { backfillPeriod: 0 } },
        // Hourly, so a warning goes out within the hour a secret enters its window.
        { task: EXPIRY_TASK, match: "7 * * * *", identifier: EXPIRY_TASK, options: { backfillPeriod: 0 } },
        CONNECTION_REFRESH_CRON,
      ]),
    });
  } catch (error) {
    await liveness.stop();
    await pool.end();
    throw error;
  }

  // The dispatcher: one drain at a time in this process; other replicas skip the rows it holds.
  let draining: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const drain = async () => {
    do {
      again = false;
      try {
        while (!stopped && (await dispatchPendingEvents(pool)) > 0) {}
      } catch (error) {
        logger.error({ err: error }, "webhook dispatcher failed; retrying on the next poll");
      }
    } while (again && !stopped);
  };
  const wake = () => {
    if (stopped) return draining ?? Promise.resolve();
    if (draining) {
      again = true;
      return draining;
    }
    draining = drain().finally(() => {
      draining = undefined;
    });
    return draining;
  };
  const listener = startChangeListener({
    url,
    channels: { [EVENTS_CHANNEL]: () => void wake() },
    logger,
    onListening: () => void wake(),
    onLost: () => undefined,
  });
  const poll = setInterval(() => void wake(), pollIntervalMs);
  poll.unref();

  const recover = async () => {
    try {
      const released = await recoverAbandonedJobs(pool, recoverAfterMs);
      if (released.length > 0) logger.warn({ workers: released }, "released the jobs of webhook workers that died");
    } catch (error) {
      logger.warn({ err: error }, "could not check for abandoned webhook jobs");
    }
  };
  const recovery = setInterval(() => void recover(), Math.max(1000, Math.min(recoverAfterMs / 2, 15_000)));
  recovery.unref();
  void recover();
  await listener.ready;
  void wake();

  return {
    dispatchNow: async () => {
      await wake();
    },
    async stop() {
      stopped = true;
      clearInterval(poll);
      clearInterval(recovery);
      await listener.stop();
      await draining;
      await runner.stop().catch((error: unknown) => logger.warn({ err: error }, "webhook worker stopped uncleanly"));
      await liveness.stop();
      await pool.end();
    },
  };
}

/**
 * The worker as the server process runs it (LATCH_RUN_WORKER, on by default), from the validated settings; a no-op
 * when this process leaves the work to `npm run worker` elsewhere.
 */
export async function startConfiguredEventWorker(
  config: Pick<
    Config,
    "runWorker" | "allowPrivateWebhooks" | "eventRetentionDays" | "webhookDisableAfterFailures" | "publicUrl"
  >,
  deps: { readonly orm: MikroORM; readonly keyring: MasterKeyring; readonly logger: Logger; readonly mailer: Mailer },
): Promise<Pick<EventWorker, "stop">> {
  if (!config.runWorker) return { stop: async () => undefined };
  const { mailer, ...rest } = deps;
  return startEventWorker({
    ...rest,
    mail: { mailer, publicUrl: config.publicUrl },
    allowPrivateWebhooks: config.allowPrivateWebhooks,
    eventRetentionDays: config.eventRetentionDays,
    disableAfterFailures: config.webhookDisableAfterFailures,
  });
}
