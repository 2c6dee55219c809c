import type { EntityManager } from "@mikro-orm/postgresql";
import { Membership, User } from "../../db/entities/index.ts";

export type UserProfile = {
  readonly id: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly displayName: string;
  readonly avatarUrl: string | null;
};

export async function readUserProfile(em: EntityManager, userId: string): Promise<UserProfile | null> {
  const user = await em.findOne(User, { id: userId });
  if (!user) return null;
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerified,
    displayName: user.displayName,
    avatarUrl: user.avatarUrl ?? null,
  };
}

export type Workspace = { readonly id: string; readonly name: string; readonly slug: string; readonly role: string };

/** The workspaces a user belongs to, oldest membership first. */
export async function listUserWorkspaces(em: EntityManager, userId: string): Promise<Workspace[]> {
  const memberships = await em.find(
    Membership,
    { user: userId },
    { populate: ["organization"], orderBy: { createdAt: "asc" } },
  );
  return memberships.map((m) => {
    const org = m.organization.getEntity();
    return { id: org.id, name: org.name, slug: org.slug, role: m.role };
  });
}
