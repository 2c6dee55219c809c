import type { EntityManager } from "@mikro-orm/postgresql";
import type { Membership } from "../../db/entities/index.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import {
  checkRole,
  ensureAnotherOwner,
  ensureOwnerActor,
  findMembership,
  lockOrganization,
} from "./membership-rules.ts";

/** Changes a member's role; only an owner touches the owner role, and the last owner cannot be demoted. Setting the role a member has changes nothing. */
export async function changeMemberRole(
  em: EntityManager,
  input: {
    readonly membershipId: string;
    readonly organizationId: string;
    readonly role: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<Membership> {
  const role = checkRole(input.role);
  return em.transactional(async (tx) => {
    await lockOrganization(tx, input.organizationId);
    const membership = await findMembership(tx, input.membershipId, input.organizationId);
    const previousRole = membership.role;
    if (previousRole === role) return membership;
    if (role === "owner" || previousRole === "owner") await ensureOwnerActor(tx, input.organizationId, input.actor);
    if (role !== "owner") await ensureAnotherOwner(tx, membership, "demoted");
    membership.role = role;
    recordEvent(
      tx,
      {
        type: "membership.role_changed",
        organizationId: input.organizationId,
        subjectType: "membership",
        subjectId: membership.id,
        actor: input.actor,
        payload: { membershipId: membership.id, userId: membership.user.id, role, previousRole },
      },
      now,
    );
    return membership;
  });
}
