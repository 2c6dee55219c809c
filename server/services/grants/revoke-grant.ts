import type { EntityManager } from "@mikro-orm/postgresql";
import { AccessToken, AuthorizationCode, Grant, RefreshToken } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RevokeGrantInput = {
  readonly grantId: string;
  /** Only a grant of this user (the Disconnect button) or of this organization's apps (the control plane). */
  readonly scope: { readonly userId: string } | { readonly organizationId: string };
  readonly reason: string;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/** Revokes a grant and every code and token issued under it, in one transaction with its Event. */
export async function revokeGrant(em: EntityManager, input: RevokeGrantInput, now: Date): Promise<Grant> {
  if (!UUID.test(input.grantId)) throw new NotFoundError("Grant");
  return em.fork().transactional(async (tx) => {
    const grant = await tx.findOne(Grant, { id: input.grantId }, { populate: ["application"] });
    const app = grant?.application.getEntity();
    const owned =
      grant &&
      ("userId" in input.scope
        ? grant.user.id === input.scope.userId
        : app?.organization.id === input.scope.organizationId);
    if (!grant || !app || !owned) throw new NotFoundError("Grant");
    if (grant.revokedAt) return grant;
    grant.revokedAt = now;
    grant.revokedReason = input.reason;
    await tx.nativeUpdate(
      RefreshToken,
      { grant: grant.id, revokedAt: null },
      { revokedAt: now, revokedReason: input.reason },
    );
    await tx.nativeUpdate(AccessToken, { grant: grant.id, revokedAt: null }, { revokedAt: now });
    await tx.nativeUpdate(AuthorizationCode, { grant: grant.id, consumedAt: null }, { consumedAt: now });
    recordEvent(
      tx,
      {
        type: "grant.revoked",
        organizationId: app.organization.id,
        applicationId: app.id,
        subjectType: "grant",
        subjectId: grant.id,
        actor: input.actor,
        payload: { userId: grant.user.id, reason: input.reason },
      },
      now,
    );
    if ("userId" in input.scope) {
      recordEvent(
        tx,
        {
          type: "user.disconnected",
          organizationId: app.organization.id,
          applicationId: app.id,
          subjectType: "user",
          subjectId: grant.user.id,
          actor: input.actor,
          payload: { grantId: grant.id },
        },
        now,
      );
    }
    return grant;
  });
}
