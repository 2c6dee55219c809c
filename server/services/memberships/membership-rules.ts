import { type EntityManager, LockMode } from "@mikro-orm/postgresql";
import { Membership, type MembershipRole, membershipRoles, Organization } from "../../db/entities/index.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";

export function checkRole(value: string): MembershipRole {
  if (!(membershipRoles as readonly string[]).includes(value)) {
    throw new ValidationError("role", `role must be one of ${membershipRoles.join(", ")}`);
  }
  return value as MembershipRole;
}

/**
 * Locks the organization for the rest of the transaction, so membership changes of one organization apply one
 * after the other: two owners demoting each other at the same moment cannot both succeed and leave none.
 */
export async function lockOrganization(tx: EntityManager, organizationId: string): Promise<Organization> {
  const organization = await tx.findOne(Organization, { id: organizationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!organization) throw new NotFoundError("Organization");
  return organization;
}

/** A membership of the (locked) organization, with its user loaded for the payload. */
export async function findMembership(tx: EntityManager, membershipId: string, organizationId: string) {
  const membership = await tx.findOne(
    Membership,
    { id: membershipId, organization: organizationId },
    { populate: ["user"] },
  );
  if (!membership) throw new NotFoundError("Membership");
  return membership;
}

/** An organization always keeps an owner: someone must be able to manage it, and to appoint admins. */
export async function ensureAnotherOwner(
  tx: EntityManager,
  membership: Membership,
  action: "demoted" | "removed",
): Promise<void> {
  if (membership.role !== "owner") return;
  const owners = await tx.count(Membership, { organization: membership.organization.id, role: "owner" });
  if (owners <= 1) {
    throw new ConflictError(
      `the last owner cannot be ${action}; make another member owner first`,
      action === "demoted" ? "role" : "id",
    );
  }
}

/**
 * Only an owner, signed in as themselves, appoints, demotes or removes owners. Admins and API keys manage everyone
 * else: otherwise an admin could make themselves owner and demote the owners, taking the organization over.
 */
export async function ensureOwnerActor(
  tx: EntityManager,
  organizationId: string,
  actor: { readonly type: ActorType; readonly id?: string | null },
): Promise<void> {
  const refused = new ForbiddenError("only an owner, signed in, can appoint, demote or remove owners");
  if (actor.type !== "user" || !actor.id) throw refused;
  const own = await tx.findOne(Membership, { organization: organizationId, user: actor.id });
  if (own?.role !== "owner") throw refused;
}
