import type pg from "pg";
import { inTransaction } from "../db/native-pool.ts";
import {
  APPLICATION_GRANTS_REVOKED_EVENT,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_REDELIVERY_EVENT,
  WEBHOOK_TEST_EVENT,
} from "../services/webhooks/event-types.ts";
import { type DeliverJob, deliverJobSpec } from "./jobs.ts";
import { revokeGrantsJobSpec } from "./revoke-grants-job.ts";
import { signInAlertEvents, signInAlertJobSpec } from "./sign-in-alert-job.ts";
import { addJobs, type JobSpec } from "./sql.ts";

export const DISPATCH_BATCH_SIZE = 200;

type Target = { event_id: string; webhook_id: string };
type Special = { id: string; type: string; subject_id: string | null; payload: Record<string, unknown> };

/**
 * Fans out one batch of the outbox: takes the oldest undispatched Events (skipping rows another replica holds),
 * queues one delivery job per matching webhook, and marks the Events dispatched, all in one transaction. An org
 * webhook receives every event of its organization, an app webhook those of its app; inactive webhooks nothing.
 * Returns how many Events the batch held (fewer than the batch size: the outbox is empty for now).
 */
export async function dispatchPendingEvents(pool: pg.Pool, batchSize = DISPATCH_BATCH_SIZE): Promise<number> {
  return inTransaction(pool, async (client) => {
    const batch = await client.query<{ id: string }>(
      `select id from events where dispatched_at is null order by created_at, id limit $1 for update skip locked`,
      [batchSize],
    );
    if (batch.rows.length === 0) return 0;
    const ids = batch.rows.map((row) => row.id);
    const targets = await client.query<Target>(
      `select e.id as event_id, w.id as webhook_id
         from events e
         join webhooks w on w.organization_id = e.organization_id
          and w.active
          and (w.application_id is null or w.application_id = e.application_id)
          and ('*' = any(w.events) or e.type = any(w.events))
        where e.id = any($1::uuid[]) and e.type = any($2::text[])
        order by e.created_at, e.id, w.id`,
      [ids, WEBHOOK_EVENT_TYPES],
    );
    const jobs: DeliverJob[] = targets.rows.map((target) => ({
      deliveryId: crypto.randomUUID(),
      webhookId: target.webhook_id,
      eventId: target.event_id,
      attempt: 1,
      trigger: "event",
    }));
    // A test goes to the one webhook it names, whatever it subscribes to; a redelivery re-sends the original event;
    // an app-wide grant revocation starts the job that marks its grants.
    const specials = await client.query<Special>(
      `select id, type, subject_id, payload from events where id = any($1::uuid[]) and type = any($2::text[])`,
      [ids, [WEBHOOK_TEST_EVENT, WEBHOOK_REDELIVERY_EVENT, APPLICATION_GRANTS_REVOKED_EVENT]],
    );
    const other: JobSpec[] = [];
    for (const event of specials.rows) {
      if (event.type === APPLICATION_GRANTS_REVOKED_EVENT) {
        other.push(revokeGrantsJobSpec(event.id));
        continue;
      }
      const webhookId = event.type === WEBHOOK_TEST_EVENT ? event.subject_id : event.payload.webhookId;
      const eventId = event.type === WEBHOOK_TEST_EVENT ? event.id : event.payload.eventId;
      if (typeof webhookId !== "string" || typeof eventId !== "string") continue;
      jobs.push({
        deliveryId: crypto.randomUUID(),
        webhookId,
        eventId,
        attempt: event.type === WEBHOOK_TEST_EVENT ? 1 : null,
        trigger: event.type === WEBHOOK_TEST_EVENT ? "test" : "redelivery",
      });
    }
    // A new session of a user who asked for sign-in alerts: mailed by its own job, after this commit.
    for (const eventId of await signInAlertEvents(client, ids)) other.push(signInAlertJobSpec(eventId));
    await addJobs(client, [...jobs.map((job) => deliverJobSpec(job)), ...other]);
    await client.query(`update events set dispatched_at = now() where id = any($1::uuid[])`, [ids]);
    return ids.length;
  });
}
