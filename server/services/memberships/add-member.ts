import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { Membership, User } from "../../db/entities/index.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { normalizeEmail } from "../sessions/login-with-password.ts";
import { checkRole, ensureOwnerActor, lockOrganization } from "./membership-rules.ts";

/**
 * Adds an existing user, found by email (case-insensitively), to the organization with a role. People without an
 * account cannot be invited by email yet: they sign up first.
 */
export async function addMember(
  em: EntityManager,
  input: {
    readonly organizationId: string;
    readonly email: string;
    readonly role: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<Membership> {
  const email = normalizeEmail(input.email);
  if (email === "" || email.length > 320 || email.includes("\0")) {
    throw new ValidationError("email", "email must be an address of 1 to 320 characters");
  }
  const role = checkRole(input.role);
  try {
    return await em.transactional(async (tx) => {
      const organization = await lockOrganization(tx, input.organizationId);
      if (role === "owner") await ensureOwnerActor(tx, organization.id, input.actor);
      const user = await tx.findOne(User, { emailNormalized: email });
      if (!user) throw new NotFoundError("User", "no user has this email address");
      if ((await tx.count(Membership, { organization: organization.id, user: user.id })) > 0) {
        throw new ConflictError("this user is already a member of the organization", "email");
      }
      const id = crypto.randomUUID();
      const membership = tx.create(Membership, { id, organization, user, role, createdAt: now });
      recordEvent(
        tx,
        {
          type: "membership.added",
          organizationId: organization.id,
          subjectType: "membership",
          subjectId: id,
          actor: input.actor,
          payload: { membershipId: id, userId: user.id, role },
        },
        now,
      );
      return membership;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new ConflictError("this user is already a member of the organization", "email");
    }
    throw error;
  }
}
