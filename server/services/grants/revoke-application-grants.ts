import { type EntityManager, LockMode } from "@mikro-orm/postgresql";
import { Application, Grant, User } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";
import { userCondition } from "./grant-filter.ts";
import { revokeGrantRows } from "./revoke-grant-rows.ts";

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
    // Resolved first, so the lock below takes grant rows only, never the user's row.
    const user = input.user === undefined ? undefined : await tx.findOne(User, userCondition(input.user));
    if (user === null) return 0;
    // Locked in id order, so two overlapping bulk revocations never deadlock and never revoke a grant twice.
    const grants = await tx.find(
      Grant,
      { application: app.id, revokedAt: null, ...(user ? { user: user.id } : {}) },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: "asc" } },
    );
    return revokeGrantRows(
      tx,
      { grants, organizationId: input.organizationId, reason: input.reason, actor: input.actor },
      now,
    );
  });
}
