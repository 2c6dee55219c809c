import type { EntityManager } from "@mikro-orm/postgresql";
import type { Organization } from "../../db/entities/index.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { checkOrganizationName, lockOrganizationRow } from "./organization-rules.ts";

/**
 * Renames the caller's organization (owners, admins and admin API keys; the face checks the scope). The slug
 * stays: it names the workspace in `Latch-Organization` headers and scripts, which a rename must not break.
 */
export async function updateOrganization(
  em: EntityManager,
  input: {
    readonly organizationId: string;
    readonly name?: string | null;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<Organization> {
  const name = input.name == null ? null : checkOrganizationName(input.name);
  return em.fork().transactional(async (tx) => {
    const organization = await lockOrganizationRow(tx, input.organizationId);
    const previousName = organization.name;
    if (name === null || name === previousName) return organization;
    organization.name = name;
    organization.updatedAt = now;
    recordEvent(
      tx,
      {
        type: "organization.updated",
        organizationId: organization.id,
        subjectType: "organization",
        subjectId: organization.id,
        actor: input.actor,
        payload: { name, previousName },
      },
      now,
    );
    return organization;
  });
}
