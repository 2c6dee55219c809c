import type { EntityManager } from "@mikro-orm/postgresql";
import { Invitation, Membership, type Organization, User } from "../../db/entities/index.ts";
import { ConflictError, ValidationError } from "../errors.ts";
import { checkRole, ensureOwnerActor, lockOrganization } from "../memberships/membership-rules.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { normalizeEmail } from "../sessions/login-with-password.ts";
import { emailProblem } from "../users/create-user.ts";
import { consumeInvitationMail, type InvitationLimits } from "./invitation-limits.ts";
import {
  INVITATION_TTL_MS,
  type InvitationMailDeps,
  mintInvitationToken,
  pendingWhere,
  sendInvitationMail,
} from "./invitation-rules.ts";

export type InviteMemberDeps = InvitationMailDeps & { readonly limits: InvitationLimits };

export type InvitationActor = { readonly type: ActorType; readonly id?: string | null };

/**
 * Invites `email` into the organization with `role` and mails them a single-use link valid
 * {@link INVITATION_TTL_MS}; whether the address has an account anywhere changes nothing in the answer. Owners and
 * admins (and admin API keys) invite; only a signed-in owner invites an owner. An address that already belongs to a
 * member is a ConflictError. Inviting an address with a pending invitation is idempotent: that invitation is
 * renewed (the role given now, a new link, a fresh week; the old link stops working) and mailed again, within the
 * resend limits.
 *
 * @throws {ValidationError} `email` or `role`.
 * @throws {ForbiddenError} an owner invitation by anyone but a signed-in owner.
 * @throws {ConflictError} `email` of a member.
 * @throws {RateLimitedError} too many invitation mails for this invitation or organization.
 */
export async function inviteMember(
  em: EntityManager,
  deps: InviteMemberDeps,
  input: {
    readonly organizationId: string;
    readonly email: string;
    readonly role: string;
    readonly actor: InvitationActor;
  },
  now: Date,
): Promise<Invitation> {
  const email = input.email.trim();
  const badEmail = emailProblem(email);
  if (badEmail) throw new ValidationError("email", badEmail);
  const emailNormalized = normalizeEmail(email);
  const role = checkRole(input.role);
  const { invitation, token, organizationName, inviterName } = await em.transactional(async (tx) => {
    const organization: Organization = await lockOrganization(tx, input.organizationId);
    if (role === "owner") await ensureOwnerActor(tx, organization.id, input.actor);
    const member = await tx.count(Membership, { organization: organization.id, user: { emailNormalized } });
    if (member > 0) throw new ConflictError("a member of the organization already has this email address", "email");
    const inviterId = input.actor.type === "user" ? (input.actor.id ?? null) : null;
    const inviter = inviterId ? await tx.findOne(User, { id: inviterId }) : null;
    const pending = await tx.findOne(Invitation, { ...pendingWhere(organization.id, now), emailNormalized });
    const id = pending?.id ?? crypto.randomUUID();
    await consumeInvitationMail(deps.limits, { invitationId: id, organizationId: organization.id }, now);
    const fresh = mintInvitationToken();
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    const row =
      pending ??
      tx.create(Invitation, {
        id,
        organization,
        email,
        emailNormalized,
        role,
        tokenHash: fresh.tokenHash,
        invitedBy: inviter,
        createdAt: now,
        expiresAt,
      });
    if (pending) Object.assign(pending, { role, tokenHash: fresh.tokenHash, expiresAt, email, invitedBy: inviter });
    recordEvent(
      tx,
      {
        type: pending ? "invitation.resent" : "invitation.created",
        organizationId: organization.id,
        subjectType: "invitation",
        subjectId: row.id,
        actor: input.actor,
        payload: { invitationId: row.id, email, role, expiresAt: expiresAt.toISOString() },
      },
      now,
    );
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
