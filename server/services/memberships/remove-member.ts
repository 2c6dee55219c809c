import type { EntityManager } from "@mikro-orm/postgresql";
import { Membership } from "../../db/entities/index.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { ensureAnotherOwner, ensureOwnerActor, findMembership, lockOrganization } from "./membership-rules.ts";

/**
 * Removes a member from the organization; the last owner cannot be removed. Their user account, and the grants
 * they gave apps as an end user, stay: only their say over this organization ends.
 */
export async function removeMember(
  em: EntityManager,
  input: {
    readonly membershipId: string;
    readonly organizationId: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<void> {
  await em.transactional(async (tx) => {
    await lockOrganization(tx, input.organizationId);
    const membership = await findMembership(tx, input.membershipId, input.organizationId);
    if (membership.role === "owner") await ensureOwnerActor(tx, input.organizationId, input.actor);
    await ensureAnotherOwner(tx, membership, "removed");
    recordEvent(
      tx,
      {
        type: "membership.removed",
        organizationId: input.organizationId,
        subjectType: "membership",
        subjectId: membership.id,
        actor: input.actor,
        payload: { membershipId: membership.id, userId: membership.user.id, role: membership.role },
      },
      now,
    );
    await tx.nativeDelete(Membership, { id: membership.id });
  });
}
