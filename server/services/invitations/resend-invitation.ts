import type { EntityManager } from "@mikro-orm/postgresql";
import { Invitation, User } from "../../db/entities/index.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { ensureOwnerActor, lockOrganization } from "../memberships/membership-rules.ts";
import { recordEvent } from "../record-event.ts";
import { consumeInvitationMail } from "./invitation-limits.ts";
import { INVITATION_TTL_MS, invitationState, mintInvitationToken, sendInvitationMail } from "./invitation-rules.ts";
import type { InvitationActor, InviteMemberDeps } from "./invite-member.ts";

/**
 * Mails an invitation again with a new link: the previous link stops working at once (only the new hash is kept)
 * and the week starts over, so an expired invitation can be resent too. Accepted and revoked invitations are done
 * (ConflictError); only a signed-in owner resends an owner invitation; at most 5 mails of one invitation an hour.
 *
 * @throws {NotFoundError} no such invitation in the organization.
 * @throws {ConflictError} `id` of an accepted or revoked invitation.
 * @throws {RateLimitedError} too many mails.
 */
export async function resendInvitation(
  em: EntityManager,
  deps: InviteMemberDeps,
  input: { readonly invitationId: string; readonly organizationId: string; readonly actor: InvitationActor },
  now: Date,
): Promise<Invitation> {
  const { invitation, token, organizationName, inviterName } = await em.transactional(async (tx) => {
    const organization = await lockOrganization(tx, input.organizationId);
    const row = await tx.findOne(Invitation, { id: input.invitationId, organization: organization.id });
    if (!row) throw new NotFoundError("Invitation");
    const state = invitationState(row, now);
    if (state === "accepted" || state === "revoked") {
      throw new ConflictError(`the invitation was ${state}; invite the address again instead`, "id");
    }
    if (row.role === "owner") await ensureOwnerActor(tx, organization.id, input.actor);
    await consumeInvitationMail(deps.limits, { invitationId: row.id, organizationId: organization.id }, now);
    const fresh = mintInvitationToken();
    row.tokenHash = fresh.tokenHash;
    row.expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    recordEvent(
      tx,
      {
        type: "invitation.resent",
        organizationId: organization.id,
        subjectType: "invitation",
        subjectId: row.id,
        actor: input.actor,
        payload: { invitationId: row.id, email: row.email, role: row.role, expiresAt: row.expiresAt.toISOString() },
      },
      now,
    );
    const inviterId = input.actor.type === "user" ? input.actor.id : null;
    const inviter = inviterId ? await tx.findOne(User, { id: inviterId }) : null;
    return {
      invitation: row,
      token: fresh.token,
      organizationName: organization.name,
      inviterName: inviter?.displayName ?? null,
    };
  });
  sendInvitationMail(deps, { invitation, token, organizationName, inviterName });
  return invitation;
}
