import type { EntityManager } from "@mikro-orm/postgresql";
import { Application, User } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";
import { userCondition } from "./grant-filter.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RevokeApplicationGrantsInput = {
  readonly applicationId: string;
  /** The caller's organization: an app of another one is not found. */
  readonly organizationId: string;
  /** Only this user's grants (row id or email); all of the app's grants when absent. */
  readonly user?: string;
  readonly reason: string;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/**
 * One statement for the whole revocation: an app may hold hundreds of thousands of grants, and loading them as entities
 * took 30 s for 100,000. The UPDATE locks each grant as it revokes it (a concurrent revocation of the same grants waits,
 * then finds them revoked and skips them), and the statement writes one `grant.revoked` Event per grant, so all of it
 * commits together or not at all.
 *
 * Token rows are not rewritten: every token path (exchange, refresh, introspection, bearer checks) joins the grant and
 * refuses a revoked one, so a grant's revocation is its tokens' revocation. Rewriting two token rows per grant tripled
 * the time of a 100,000-grant revocation. Unused codes are consumed (few: they live 60 s).
 */
const REVOKE_SQL = `
with revoked as (
  update grants set revoked_at = ?, revoked_reason = ?, updated_at = ?
  where application_id = ? and revoked_at is null and (?::uuid is null or user_id = ?::uuid)
  returning id, user_id, organization_id
), codes as (
  update authorization_codes set consumed_at = ?
  where grant_id in (select id from revoked) and consumed_at is null
), events as (
  insert into events (id, type, organization_id, application_id, subject_type, subject_id, actor_type, actor_id,
    payload, created_at)
  select gen_random_uuid(), 'grant.revoked', ?, ?, 'grant', id::text, ?, ?,
    jsonb_build_object('userId', user_id, 'workspaceId', organization_id, 'reason', ?::text), ?
  from revoked
)
select count(*)::int as revoked from revoked`;

/**
 * Revokes the active grants of one app (all of them, or one user's), every token and unused code under them, in one
 * transaction with a `grant.revoked` Event per grant. Returns how many it revoked; running it again revokes 0. An
 * unknown user revokes 0 rather than failing, so the answer never tells whether someone has an account.
 */
export async function revokeApplicationGrants(
  em: EntityManager,
  input: RevokeApplicationGrantsInput,
  now: Date,
): Promise<number> {
  if (!UUID.test(input.applicationId)) throw new NotFoundError("Application");
  return em.fork().transactional(async (tx) => {
    const app = await tx.findOne(Application, { id: input.applicationId, organization: input.organizationId });
    if (!app) throw new NotFoundError("Application");
    const user = input.user === undefined ? undefined : await tx.findOne(User, userCondition(input.user));
    if (user === null) return 0;
    const userId = user?.id ?? null;
    const { reason, actor } = input;
    const rows = await tx.execute<{ revoked: number }[]>(REVOKE_SQL, [
      now,
      reason,
      now,
      app.id,
      userId,
      userId,
      now,
      input.organizationId,
      app.id,
      actor.type,
      actor.id ?? null,
      reason,
      now,
    ]);
    return rows[0]?.revoked ?? 0;
  });
}
