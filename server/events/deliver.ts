import type pg from "pg";
import { UpstreamError } from "../connections/upstream-error.ts";
import type { MasterKeyring } from "../crypto/master-key.ts";
import { inTransaction } from "../db/native-pool.ts";
import type { Logger } from "../logger.ts";
import { insertEvent } from "../services/record-event.ts";
import { urlOrigin, webhookSigningSecrets } from "../services/webhooks/webhook-rules.ts";
import { type DeliverJob, deliverJobSpec } from "./jobs.ts";
import { type OutboxEvent, webhookMessage } from "./message.ts";
import { type PostOutcome, postWebhook } from "./post-webhook.ts";
import { nextRetryDelay } from "./retry-schedule.ts";
import { signMessage } from "./signing.ts";
import { addJobs } from "./sql.ts";
import { type ResolveOptions, resolveDeliveryTarget, WebhookTargetRefusedError } from "./ssrf-guard.ts";

/** What a delivery attempt needs besides its job. */
export type DeliveryContext = {
  readonly pool: pg.Pool;
  readonly keyring: MasterKeyring;
  readonly logger: Logger;
  readonly allowPrivateWebhooks: boolean;
  readonly requestTimeoutMs: number;
  /** Delay before each attempt (the first is the immediate one): the Standard Webhooks schedule by default. */
  readonly retrySchedule: readonly number[];
  /** Events in a row that failed every retry before the webhook is disabled. */
  readonly disableAfterFailures: number;
  /** DNS, injected by tests. */
  readonly lookup?: ResolveOptions["lookup"];
  /** The time of each step: the signing secrets' overlap, the signature's timestamp, the attempt's record. */
  readonly clock: () => Date;
  /** A service integration's access token (`getAccessToken`), for webhooks that authenticate with one. */
  readonly serviceAccessToken: (integrationId: string) => Promise<string>;
};

type WebhookRow = {
  id: string;
  organization_id: string;
  application_id: string | null;
  url: string;
  active: boolean;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  auth_integration_id: string | null;
};

type EventRow = {
  id: string;
  type: string;
  organization_id: string | null;
  application_id: string | null;
  subject_type: string;
  subject_id: string | null;
  actor_type: string;
  actor_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
};

type Attempt = PostOutcome | { readonly kind: "skipped"; readonly error: string };

/** Thrown when the worker stops mid-attempt: the job fails, is not recorded, and runs again after the restart. */
export class DeliveryInterruptedError extends Error {
  constructor() {
    super("delivery interrupted by worker shutdown; it will run again");
    this.name = "DeliveryInterruptedError";
  }
}

function outboxEvent(row: EventRow): OutboxEvent {
  return {
    id: row.id,
    type: row.type,
    organizationId: row.organization_id,
    applicationId: row.application_id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    actorType: row.actor_type,
    actorId: row.actor_id,
    payload: row.payload,
    createdAt: row.created_at,
  };
}

/**
 * Makes one delivery attempt and records it. A webhook deleted (or, for automatic attempts, deactivated) since the
 * job was queued gets nothing. The attempt is signed with every current secret, checked against the SSRF rules on
 * the address it resolves to now, and POSTed; then, in one transaction, the attempt is logged and its consequences
 * follow: a 2xx clears the failure count, a 410 disables the webhook, any other failure of an event's automatic
 * attempt queues the next one on the retry schedule, and the last failure counts towards disabling the webhook.
 * Tests and redeliveries are single attempts that never count against the endpoint.
 */
export async function deliverWebhook(context: DeliveryContext, job: DeliverJob, signal?: AbortSignal): Promise<void> {
  const { pool } = context;
  const done = await pool.query("select 1 from webhook_deliveries where id = $1", [job.deliveryId]);
  if (done.rowCount) return;
  const webhook = (
    await pool.query<WebhookRow>(
      `select id, organization_id, application_id, url, active, secret_encrypted, previous_secret_encrypted,
              previous_secret_expires_at, auth_integration_id
         from webhooks where id = $1`,
      [job.webhookId],
    )
  ).rows[0];
  if (!webhook || (job.trigger === "event" && !webhook.active)) return;
  const eventRow = (
    await pool.query<EventRow>(
      `select id, type, organization_id, application_id, subject_type, subject_id, actor_type, actor_id, payload,
              created_at
         from events where id = $1`,
      [job.eventId],
    )
  ).rows[0];
  const event = eventRow ? outboxEvent(eventRow) : null;
  const attempt =
    job.attempt ??
    (
      await pool.query<{ next: number }>(
        `select coalesce(max(attempt), 0) + 1 as next from webhook_deliveries where webhook_id = $1 and event_id = $2`,
        [job.webhookId, job.eventId],
      )
    ).rows[0]!.next;

  let outcome: Attempt;
  if (!event) {
    outcome = { kind: "skipped", error: "the event is no longer retained" };
  } else {
    outcome = await send(context, webhook, event, signal);
  }
  if (signal?.aborted) throw new DeliveryInterruptedError();
  await recordAttempt(context, { job, attempt, webhook, event, outcome }, context.clock());
}

async function send(
  context: DeliveryContext,
  webhook: WebhookRow,
  event: OutboxEvent,
  signal: AbortSignal | undefined,
): Promise<Attempt> {
  let secrets: string[];
  try {
    secrets = webhookSigningSecrets(
      context.keyring,
      {
        id: webhook.id,
        secretEncrypted: webhook.secret_encrypted,
        previousSecretEncrypted: webhook.previous_secret_encrypted,
        previousSecretExpiresAt: webhook.previous_secret_expires_at,
      },
      context.clock(),
    );
  } catch {
    // Only a master key missing from LATCH_MASTER_KEY gets here; the error names no secret, and neither do we.
    return {
      kind: "skipped",
      error: "the webhook's signing secret could not be unsealed with the configured master key",
    };
  }
  let target: Awaited<ReturnType<typeof resolveDeliveryTarget>>;
  try {
    target = await resolveDeliveryTarget(webhook.url, {
      allowPrivate: context.allowPrivateWebhooks,
      ...(context.lookup ? { lookup: context.lookup } : {}),
    });
  } catch (error) {
    if (error instanceof WebhookTargetRefusedError) return { kind: "skipped", error: error.message };
    return { kind: "skipped", error: "the webhook URL is malformed" };
  }
  const bearer = await bearerHeader(context, webhook);
  if ("error" in bearer) return bearer;
  const message = webhookMessage(event);
  return postWebhook(
    target,
    { headers: { ...signMessage(secrets, message, context.clock()), ...bearer.headers }, body: message.body },
    { timeoutMs: context.requestTimeoutMs, ...(signal ? { signal } : {}) },
  );
}

/**
 * `Authorization: Bearer` with the access token of the webhook's service integration, when it names one. A token that
 * cannot be had fails the attempt like an unreachable receiver (so it is retried); the error says why, never the token.
 */
async function bearerHeader(
  context: DeliveryContext,
  webhook: WebhookRow,
): Promise<{ readonly headers: Record<string, string> } | (PostOutcome & { readonly kind: "error" })> {
  if (!webhook.auth_integration_id) return { headers: {} };
  const started = performance.now();
  try {
    return { headers: { authorization: `Bearer ${await context.serviceAccessToken(webhook.auth_integration_id)}` } };
  } catch (error) {
    const reason = error instanceof UpstreamError ? `${error.code}: ${error.message}` : "internal error";
    return {
      kind: "error",
      error: `no access token from the webhook's auth integration (${reason})`,
      durationMs: Math.round(performance.now() - started),
    };
  }
}

async function recordAttempt(
  context: DeliveryContext,
  input: {
    readonly job: DeliverJob;
    readonly attempt: number;
    readonly webhook: WebhookRow;
    readonly event: OutboxEvent | null;
    readonly outcome: Attempt;
  },
  now: Date,
): Promise<void> {
  const { job, attempt, webhook, event, outcome } = input;
  const status = outcome.kind === "response" ? outcome.status : null;
  const succeeded = status !== null && status >= 200 && status < 300;
  const gone = status === 410;
  const automatic = job.trigger === "event" && event !== null;
  const retryDelay = !succeeded && !gone && automatic ? nextRetryDelay(attempt, context.retrySchedule) : null;
  const nextAttemptAt = retryDelay === null ? null : new Date(now.getTime() + retryDelay);
  const error =
    outcome.kind === "response"
      ? succeeded
        ? null
        : status !== null && status >= 300 && status < 400
          ? `HTTP ${status}: redirects are not followed`
          : `HTTP ${status}`
      : outcome.error;

  const log = {
    webhookId: webhook.id,
    eventId: job.eventId,
    origin: urlOrigin(webhook.url),
    attempt,
    trigger: job.trigger,
    status,
    error,
    nextAttemptAt,
  };
  if (succeeded) context.logger.debug(log, "webhook delivered");
  else context.logger.warn(log, "webhook delivery failed");

  await inTransaction(context.pool, async (client) => {
    const inserted = await client.query(
      `insert into webhook_deliveries
         (id, webhook_id, event_id, event_type, attempt, trigger, status, response_status, response_body, response_bytes,
          duration_ms, error, created_at, next_attempt_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       on conflict (id) do nothing`,
      [
        job.deliveryId,
        webhook.id,
        job.eventId,
        event?.type ?? "unknown",
        attempt,
        job.trigger,
        succeeded ? "succeeded" : "failed",
        status,
        outcome.kind === "response" ? outcome.body : null,
        outcome.kind === "response" ? outcome.bytes : null,
        outcome.kind === "skipped" ? 0 : outcome.durationMs,
        error,
        now,
        nextAttemptAt,
      ],
    );
    // Another run of this job got here first and did the rest.
    if (inserted.rowCount === 0) return;
    if (succeeded) {
      await client.query(`update webhooks set consecutive_failures = 0 where id = $1 and consecutive_failures <> 0`, [
        webhook.id,
      ]);
    } else if (gone) {
      await disableWebhook(client, webhook.id, "gone", now);
    } else if (retryDelay !== null && nextAttemptAt) {
      await addJobs(client, [
        deliverJobSpec(
          {
            deliveryId: crypto.randomUUID(),
            webhookId: webhook.id,
            eventId: job.eventId,
            attempt: attempt + 1,
            trigger: "event",
          },
          nextAttemptAt,
        ),
      ]);
    } else if (automatic) {
      const counted = await client.query<{ consecutive_failures: number }>(
        `update webhooks set consecutive_failures = consecutive_failures + 1 where id = $1 and active
         returning consecutive_failures`,
        [webhook.id],
      );
      const failures = counted.rows[0]?.consecutive_failures ?? 0;
      if (failures >= context.disableAfterFailures) await disableWebhook(client, webhook.id, "failing", now);
    }
  });
}

/**
 * Stops deliveries to a webhook and records `webhook.disabled` (delivered to the organization's other webhooks).
 * Re-enabling it (`updateWebhook` with `active: true`) clears its failure count. A no-op when it is already off.
 */
async function disableWebhook(
  client: pg.ClientBase,
  webhookId: string,
  reason: "gone" | "failing",
  now: Date,
): Promise<void> {
  const disabled = await client.query<{
    organization_id: string;
    application_id: string | null;
    url: string;
    consecutive_failures: number;
  }>(
    `update webhooks set active = false, disabled_at = $2, updated_at = $2 where id = $1 and active
     returning organization_id, application_id, url, consecutive_failures`,
    [webhookId, now],
  );
  const row = disabled.rows[0];
  if (!row) return;
  await insertEvent(
    client,
    {
      type: "webhook.disabled",
      organizationId: row.organization_id,
      applicationId: row.application_id,
      subjectType: "webhook",
      subjectId: webhookId,
      actor: { type: "system", id: null },
      payload: {
        webhookId,
        applicationId: row.application_id,
        origin: urlOrigin(row.url),
        reason,
        consecutiveFailures: row.consecutive_failures,
      },
    },
    now,
  );
}
