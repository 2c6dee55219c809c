import type { WebhookDeliveryTrigger } from "../db/entities/webhook-delivery.entity.ts";
import type { JobSpec } from "./sql.ts";

/** graphile-worker task that makes one delivery attempt. */
export const DELIVER_TASK = "latch_deliver_webhook";
/** graphile-worker task (cron) that deletes Events and delivery attempts past retention. */
export const PRUNE_TASK = "latch_prune_events";
/** The hourly job that records client_secret.expiring Events. */
export const EXPIRY_TASK = "latch_secret_expiry_warnings";

/** One attempt to deliver one event to one webhook. */
export type DeliverJob = {
  /** The id its WebhookDelivery row will have: a job that runs twice records (and retries) once. */
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly eventId: string;
  /** 1-based; null for a redelivery, which takes the next number when it runs. */
  readonly attempt: number | null;
  readonly trigger: WebhookDeliveryTrigger;
};

/** graphile-worker's own retries, for a job that threw (the database was unreachable): not the HTTP retries. */
const JOB_MAX_ATTEMPTS = 25;

/**
 * The job of one attempt. No named queue: graphile-worker serialises job fetching across named queues, which would
 * leave all but one worker idle; fairness between endpoints comes from the EndpointGate
 * (endpoint-gate.ts) instead.
 */
export function deliverJobSpec(job: DeliverJob, runAt?: Date): JobSpec {
  return {
    identifier: DELIVER_TASK,
    payload: job,
    run_at: runAt?.toISOString() ?? null,
    max_attempts: JOB_MAX_ATTEMPTS,
  };
}

export function isDeliverJob(value: unknown): value is DeliverJob {
  const job = value as Partial<DeliverJob> | null;
  return (
    typeof job === "object" &&
    job !== null &&
    typeof job.deliveryId === "string" &&
    typeof job.webhookId === "string" &&
    typeof job.eventId === "string" &&
    (job.attempt === null || typeof job.attempt === "number") &&
    (job.trigger === "event" || job.trigger === "redelivery" || job.trigger === "test")
  );
}
