import type pg from "pg";
import type { EventType } from "../event-types.ts";
import type { ActorType } from "../record-event.ts";
import { EVENT_COLUMNS } from "../record-event.ts";

export type RevokeGrantsBatch = {
  readonly applicationId: string;
  readonly organizationId: string;
  /** Grants created before this instant; also the `revoked_at` they get, so a background batch dates them right. */
  readonly before: Date;
  /** Only this user's grants; all of the app's when null. */
  readonly userId: string | null;
  readonly reason: string;
  readonly actor: { readonly type: ActorType; readonly id: string | null };
  /** At most this many rows (the background job's batch); all when null. */
  readonly limit: number | null;
  /** Skip grants another transaction holds (the app-wide path, which the background job completes) instead of waiting. */
  readonly skipLocked: boolean;
};

/**
 * One statement: revokes active grants of an app (each locked as it is revoked, so a concurrent revocation of the same
 * grants skips them), consumes their unused codes and writes one `grant.revoked` Event per grant, so all of it commits
 * together or not at all. Token rows are not rewritten: every token path refuses a token whose grant is revoked.
 */
const GRANT_REVOKED: EventType = "grant.revoked";
const revokeSql = (skipLocked: boolean) => `
with revoked as (
  update grants set revoked_at = $1, revoked_reason = $2, updated_at = $3
  where id in (
    select id from grants
    where application_id = $4 and revoked_at is null and created_at < $1 and ($5::uuid is null or user_id = $5::uuid)
    order by created_at, id limit $6 for update${skipLocked ? " skip locked" : ""})
  returning id, user_id, organization_id
), codes as (
  update authorization_codes set consumed_at = $3 where grant_id in (select id from revoked) and consumed_at is null
), events as (
  insert into events (${EVENT_COLUMNS})
  select gen_random_uuid(), '${GRANT_REVOKED}', $7, $4, 'grant', id::text, $8, $9,
    jsonb_build_object('userId', user_id, 'workspaceId', organization_id, 'reason', $2::text), $3
  from revoked
)
select count(*)::int as revoked from revoked`;

/** Revokes one batch in the caller's transaction; returns how many grants it revoked. */
export async function revokeGrantsBatch(client: pg.ClientBase, batch: RevokeGrantsBatch, now: Date): Promise<number> {
  const result = await client.query<{ revoked: number }>(revokeSql(batch.skipLocked), [
    batch.before,
    batch.reason,
    now,
    batch.applicationId,
    batch.userId,
    batch.limit,
    batch.organizationId,
    batch.actor.type,
    batch.actor.id,
  ]);
  return result.rows[0]?.revoked ?? 0;
}
