import type { EntityManager } from "@mikro-orm/postgresql";
import { AccessToken, AuthorizationCode, type Grant } from "../../db/entities/index.ts";
import { revokeRefreshTokensSettled } from "../oauth/revoke-token-family.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

export type RevokeGrantRowsInput = {
  /** Grants of one organization's apps, loaded (and locked) in `tx`; already revoked ones are skipped. */
  readonly grants: readonly Grant[];
  /** The organization owning the grants' apps: the Events belong to it. */
  readonly organizationId: string;
  readonly reason: string;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/**
 * Revokes grants and every refresh token, access token and unused authorization code issued under them, inside the
 * caller's transaction, with one `grant.revoked` Event per grant. Returns how many grants it revoked: revoking a
 * revoked grant again changes nothing and writes no Event, so callers are idempotent.
 */
export async function revokeGrantRows(tx: EntityManager, input: RevokeGrantRowsInput, now: Date): Promise<number> {
  const active = input.grants.filter((grant) => !grant.revokedAt);
  if (active.length === 0) return 0;
  const ids = active.map((grant) => grant.id);
  for (const grant of active) {
    grant.revokedAt = now;
    grant.revokedReason = input.reason;
    grant.updatedAt = now;
  }
  await revokeRefreshTokensSettled(tx, { grant: { $in: ids } }, input.reason, now);
  await tx.nativeUpdate(AccessToken, { grant: { $in: ids }, revokedAt: null }, { revokedAt: now });
  // A consumed code can no longer be redeemed, which is what revoking an unused one means.
  await tx.nativeUpdate(AuthorizationCode, { grant: { $in: ids }, consumedAt: null }, { consumedAt: now });
  for (const grant of active) {
    recordEvent(
      tx,
      {
        type: "grant.revoked",
        organizationId: input.organizationId,
        applicationId: grant.application.id,
        subjectType: "grant",
        subjectId: grant.id,
        actor: input.actor,
        payload: { userId: grant.user.id, workspaceId: grant.organization?.id ?? null, reason: input.reason },
      },
      now,
    );
  }
  return active.length;
}
