import type { EntityManager } from "@mikro-orm/postgresql";
import { Invitation } from "../../db/entities/index.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { ensureOwnerActor, lockOrganization } from "../memberships/membership-rules.ts";
import { recordEvent } from "../record-event.ts";
import { invitationState } from "./invitation-rules.ts";
import type { InvitationActor } from "./invite-member.ts";

/**
 * Revokes an invitation: its link stops working at once. Revoking a revoked (or expired) invitation changes nothing
 * and answers it as it is; an accepted one is a membership now (remove the member instead: ConflictError). Only a
 * signed-in owner revokes an owner invitation.
 *
 * @throws {NotFoundError} no such invitation in the organization.
 * @throws {ConflictError} `id` of an accepted invitation.
 */
export async function revokeInvitation(
  em: EntityManager,
  input: { readonly invitationId: string; readonly organizationId: string; readonly actor: InvitationActor },
  now: Date,
): Promise<Invitation> {
  return em.transactional(async (tx) => {
    const organization = await lockOrganization(tx, input.organizationId);
    const row = await tx.findOne(Invitation, { id: input.invitationId, organization: organization.id });
    if (!row) throw new NotFoundError("Invitation");
    const state = invitationState(row, now);
    if (state === "accepted") {
      throw new ConflictError("the invitation was accepted; remove the member instead", "id");
    }
    if (state !== "pending") return row;
    if (row.role === "owner") await ensureOwnerActor(tx, organization.id, input.actor);
    row.revokedAt = now;
    recordEvent(
      tx,
      {
        type: "invitation.revoked",
        organizationId: organization.id,
        subjectType: "invitation",
        subjectId: row.id,
        actor: input.actor,
        payload: { invitationId: row.id, email: row.email, role: row.role },
      },
      now,
    );
    return row;
  });
}
