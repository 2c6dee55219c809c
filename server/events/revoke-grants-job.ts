import type pg from "pg";
import { inTransaction } from "../db/native-pool.ts";
import { REVOKED_BY_ORGANIZATION } from "../services/grants/grant-revocation.ts";
import { revokeGrantsBatch } from "../services/grants/revoke-grants-batch.ts";
import type { ActorType } from "../services/record-event.ts";
import { APPLICATION_GRANTS_REVOKED_EVENT } from "../services/webhooks/event-types.ts";
import type { JobSpec } from "./sql.ts";

/** graphile-worker task that marks the grant rows an app-wide revocation covers, in batches. */
export const REVOKE_GRANTS_TASK = "latch_revoke_grants";

/** Rows per transaction: short enough that a token request waiting on one of these rows waits well under a second. */
export const REVOKE_GRANTS_BATCH = 2_000;

export function revokeGrantsJobSpec(eventId: string): JobSpec {
  return { identifier: REVOKE_GRANTS_TASK, payload: { eventId }, max_attempts: 25 };
}

type RevocationEvent = {
  application_id: string;
  organization_id: string;
  actor_type: ActorType;
  actor_id: string | null;
  payload: { before?: string; reason?: string };
};

/**
 * Completes the revocation an `application.grants_revoked` Event records: revokes the app's grants created before its
 * `before` that are still unmarked, 2,000 per transaction, each with its `grant.revoked` Event and dated `before`.
 * Safe to run twice or after a crash (a marked grant is never taken again); throws, so graphile-worker retries later,
 * when a grant stays held by another transaction. Returns how many grants it marked.
 */
export async function revokeGrantsInBackground(pool: pg.Pool, eventId: string, now: () => Date): Promise<number> {
  const found = await pool.query<RevocationEvent>(
    `select application_id, organization_id, actor_type, actor_id, payload from events where id = $1 and type = $2`,
    [eventId, APPLICATION_GRANTS_REVOKED_EVENT],
  );
  const event = found.rows[0];
  if (!event?.payload.before) return 0;
  const batch = {
    applicationId: event.application_id,
    organizationId: event.organization_id,
    before: new Date(event.payload.before),
    userId: null,
    reason: event.payload.reason ?? REVOKED_BY_ORGANIZATION,
    actor: { type: event.actor_type, id: event.actor_id },
    limit: REVOKE_GRANTS_BATCH,
    skipLocked: true,
  };
  let total = 0;
  for (;;) {
    const revoked = await inTransaction(pool, (client) => revokeGrantsBatch(client, batch, now()));
    total += revoked;
    if (revoked < REVOKE_GRANTS_BATCH) break;
  }
  const left = await pool.query(
    `select 1 from grants where application_id = $1 and revoked_at is null and created_at < $2 limit 1`,
    [batch.applicationId, batch.before],
  );
  if (left.rows.length > 0) throw new Error("grants held by another transaction are left; retrying later");
  return total;
}
