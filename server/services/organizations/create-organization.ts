import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { Membership, Organization, User } from "../../db/entities/index.ts";
import { ForbiddenError, NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { checkOrganizationName, freeSlug } from "./organization-rules.ts";

/**
 * A signed-in user creates a workspace and becomes its owner, in one transaction with its
 * `organization.created` Event. The slug is derived from the name and made unique (`acme`, `acme-2`, ...); two
 * creations racing for one slug retry with the next free one. API keys belong to an organization and cannot
 * create another: only a person can.
 */
export async function createOrganization(
  em: EntityManager,
  input: { readonly name: string; readonly actor: { readonly type: ActorType; readonly id?: string | null } },
  now: Date,
): Promise<Organization> {
  const name = checkOrganizationName(input.name);
  const { actor } = input;
  if (actor.type !== "user" || !actor.id) throw new ForbiddenError("only a signed-in user can create a workspace");
  const userId = actor.id;
  for (let attempt = 0; ; attempt++) {
    try {
      return await em.transactional(async (tx) => {
        const user = await tx.findOne(User, { id: userId });
        if (!user) throw new NotFoundError("User");
        const slug = await freeSlug(tx, name);
        const organization = tx.create(Organization, { name, slug, createdAt: now, updatedAt: now });
        tx.create(Membership, { user, organization, role: "owner", createdAt: now });
        recordEvent(
          tx,
          {
            type: "organization.created",
            organizationId: organization.id,
            subjectType: "organization",
            subjectId: organization.id,
            actor,
            payload: { name, slug },
          },
          now,
        );
        return organization;
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException) || attempt >= 3) throw error;
    }
  }
}
