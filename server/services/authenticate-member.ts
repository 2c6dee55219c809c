import type { EntityManager } from "@mikro-orm/postgresql";
import { Membership } from "../db/entities/index.ts";

/** What a member's role lets them do in the control plane: owners and admins manage, members only read apps. */
export const ROLE_SCOPES: Record<"owner" | "admin" | "member", readonly string[]> = {
  owner: ["admin"],
  admin: ["admin"],
  member: ["apps:read"],
};

export type MemberPrincipal = {
  readonly kind: "user";
  readonly organizationId: string;
  readonly scopes: readonly string[];
  readonly apiKeyId: null;
  readonly userId: string;
  readonly role: "owner" | "admin" | "member";
};

/**
 * The organization a signed-in user acts in: the one named (by id or slug) when they belong to it, else their only
 * or first-joined organization. Null when they belong to none, or not to the one named.
 */
export async function authenticateMember(
  em: EntityManager,
  userId: string,
  organization: string | undefined,
): Promise<MemberPrincipal | null> {
  const memberships = await em.find(
    Membership,
    { user: userId },
    { populate: ["organization"], orderBy: { createdAt: "asc" } },
  );
  const chosen = organization
    ? memberships.find((m) => m.organization.id === organization || m.organization.getEntity().slug === organization)
    : memberships[0];
  if (!chosen) return null;
  return {
    kind: "user",
    organizationId: chosen.organization.id,
    scopes: ROLE_SCOPES[chosen.role],
    apiKeyId: null,
    userId,
    role: chosen.role,
  };
}

/**
 * A user access token used on the control plane: only when it carries the `admin` scope, was granted for a
 * workspace, and its user is an owner or admin there. A token an app got for `identify` can never manage anything.
 */
export async function authenticateAdminToken(
  em: EntityManager,
  token: { userId: string | null; grantOrganizationId: string | null; scopes: readonly string[] },
): Promise<MemberPrincipal | null> {
  if (!token.userId || !token.grantOrganizationId || !token.scopes.includes("admin")) return null;
  const member = await authenticateMember(em, token.userId, token.grantOrganizationId);
  return member && member.role !== "member" ? member : null;
}
