import type { EntityManager } from "@mikro-orm/postgresql";
import { Invitation, Membership, User } from "../../db/entities/index.ts";
import { ConflictError, ValidationError } from "../errors.ts";
import { lockOrganization } from "../memberships/membership-rules.ts";
import { recordEvent } from "../record-event.ts";
import { createUser } from "../users/create-user.ts";
import { passwordProblem } from "../users/password-policy.ts";
import { findInvitationByToken, type InvitationProblem } from "./invitation-rules.ts";

/** A joined organization, for the page that says so. */
export type Joined = {
  readonly ok: true;
  readonly userId: string;
  readonly organizationId: string;
  readonly organizationName: string;
  readonly role: string;
  /** The user was a member already (added another way meanwhile): the invitation is spent, the role kept. */
  readonly alreadyMember: boolean;
};

export type AcceptInvitationResult =
  | Joined
  | { readonly ok: false; readonly problem: InvitationProblem }
  /** Signed in as another address than the invited one: nothing changed, the link still works for its invitee. */
  | { readonly ok: false; readonly problem: "wrong_account"; readonly invitedEmail: string };

export type AcceptAsNewUserResult =
  | Joined
  | { readonly ok: false; readonly problem: InvitationProblem }
  /** An account has the invited address (made since the page was shown): the invitee signs in instead. */
  | { readonly ok: false; readonly problem: "account_exists" }
  | { readonly ok: false; readonly problem: "password" | "name"; readonly message: string };

const MAX_NAME_LENGTH = 200;

/**
 * An existing user accepts an invitation sent to their own address (compared normalized): in one transaction, under
 * the organization's lock (so a concurrent revoke or second accept goes first or after, never between), the
 * invitation is spent once, the user joins with the invited role, their address counts as verified (the link reached
 * it), and `membership.added` and `invitation.accepted` are recorded.
 */
export async function acceptInvitation(
  em: EntityManager,
  input: { readonly token: unknown; readonly userId: string },
  now: Date,
): Promise<AcceptInvitationResult> {
  // A fork of its own (allowed by the architecture test): the peek outside the lock must not seed the transaction's
  // identity map, where it would stand in for the locked re-read.
  const peek = await findInvitationByToken(em.fork(), input.token, now);
  if (!peek.ok) return peek;
  return em.transactional(async (tx) => {
    await lockOrganization(tx, peek.organization.id);
    const found = await findInvitationByToken(tx, input.token, now);
    if (!found.ok) return found;
    const user = await tx.findOneOrFail(User, { id: input.userId });
    if (user.emailNormalized !== found.invitation.emailNormalized) {
      return { ok: false, problem: "wrong_account", invitedEmail: found.invitation.email } as const;
    }
    if (!user.emailVerified) user.emailVerified = true;
    return join(tx, found, user, now);
  });
}

/**
 * A person with no account accepts: creates their account with the invited address (verified: the link reached it)
 * through the create-user service and its password policy, whatever the organization's sign-up policy, and joins as
 * {@link acceptInvitation} does. The caller starts their session.
 */
export async function acceptInvitationAsNewUser(
  em: EntityManager,
  input: { readonly token: unknown; readonly displayName: string; readonly password: string },
  now: Date,
): Promise<AcceptAsNewUserResult> {
  const displayName = input.displayName.trim();
  if (displayName === "" || displayName.length > MAX_NAME_LENGTH) {
    return { ok: false, problem: "name", message: `Enter your name (at most ${MAX_NAME_LENGTH} characters).` };
  }
  const peek = await findInvitationByToken(em.fork(), input.token, now);
  if (!peek.ok) return peek;
  const badPassword = passwordProblem(input.password, { email: peek.invitation.email });
  if (badPassword) return { ok: false, problem: "password", message: badPassword };
  try {
    return await em.transactional(async (tx) => {
      await lockOrganization(tx, peek.organization.id);
      const found = await findInvitationByToken(tx, input.token, now);
      if (!found.ok) return found;
      if ((await tx.count(User, { emailNormalized: found.invitation.emailNormalized })) > 0) {
        return { ok: false, problem: "account_exists" } as const;
      }
      const user = await createUser(
        tx,
        {
          email: found.invitation.email,
          password: input.password,
          displayName,
          emailVerified: true,
          organizationId: found.organization.id,
          role: found.invitation.role,
          actor: { type: "system" },
        },
        now,
      );
      return join(tx, found, user, now);
    });
  } catch (error) {
    if (error instanceof ConflictError) return { ok: false, problem: "account_exists" };
    if (error instanceof ValidationError && error.field === "password") {
      return { ok: false, problem: "password", message: error.message };
    }
    throw error;
  }
}

/** Spends the invitation (conditionally: a replay that raced past the lookup spends nothing) and adds the member. */
async function join(
  tx: EntityManager,
  found: { readonly invitation: Invitation; readonly organization: { readonly id: string; readonly name: string } },
  user: User,
  now: Date,
): Promise<Joined | { readonly ok: false; readonly problem: "accepted" }> {
  const { invitation, organization } = found;
  const spent = await tx.nativeUpdate(
    Invitation,
    {
      id: invitation.id,
      tokenHash: invitation.tokenHash,
      acceptedAt: null,
      revokedAt: null,
      expiresAt: { $gt: now },
    },
    { acceptedAt: now },
  );
  if (spent !== 1) return { ok: false, problem: "accepted" };
  const existing = await tx.findOne(Membership, { organization: organization.id, user: user.id });
  const membership =
    existing ?? tx.create(Membership, { organization: organization.id, user, role: invitation.role, createdAt: now });
  if (!existing) {
    recordEvent(
      tx,
      {
        type: "membership.added",
        organizationId: organization.id,
        subjectType: "membership",
        subjectId: membership.id,
        actor: { type: "user", id: user.id },
        payload: { membershipId: membership.id, userId: user.id, role: invitation.role, invitationId: invitation.id },
      },
      now,
    );
  }
  recordEvent(
    tx,
    {
      type: "invitation.accepted",
      organizationId: organization.id,
      subjectType: "invitation",
      subjectId: invitation.id,
      actor: { type: "user", id: user.id },
      payload: {
        invitationId: invitation.id,
        userId: user.id,
        membershipId: membership.id,
        role: membership.role,
        alreadyMember: Boolean(existing),
      },
    },
    now,
  );
  await tx.flush();
  return {
    ok: true,
    userId: user.id,
    organizationId: organization.id,
    organizationName: organization.name,
    role: membership.role,
    alreadyMember: Boolean(existing),
  };
}
