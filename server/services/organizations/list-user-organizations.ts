import type { EntityManager } from "@mikro-orm/postgresql";
import { Membership, type MembershipRole, type Organization } from "../../db/entities/index.ts";

/** The workspaces a user belongs to, with their role in each, oldest membership first, in one query. */
export async function listUserOrganizations(
  em: EntityManager,
  userId: string,
): Promise<{ organization: Organization; role: MembershipRole }[]> {
  const memberships = await em.find(
    Membership,
    { user: userId },
    { populate: ["organization"], orderBy: { createdAt: "asc", id: "asc" } },
  );
  return memberships.map((m) => ({ organization: m.organization.getEntity(), role: m.role }));
}
