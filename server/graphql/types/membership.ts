import { Membership } from "../../db/entities/index.ts";
import { NotFoundError } from "../../services/errors.ts";
import { isUuid } from "../../uuid.ts";
import { builder } from "../builder.ts";
import type { GraphQLContext } from "../context.ts";
import { paginate } from "../pagination.ts";
import { OrganizationNode } from "./organization.ts";

export const MembershipRoleEnum = builder.enumType("MembershipRole", {
  description: "What a member may do in the organization.",
  values: {
    OWNER: { value: "owner", description: "Manages everything; an organization always keeps at least one." },
    ADMIN: { value: "admin", description: "Manages apps, providers, webhooks, API keys and members." },
    MEMBER: { value: "member", description: "Reads the organization's apps." },
  } as const,
});

/** Memberships of the caller's organization by id, with their users, in one query; others load as not found. */
async function loadMemberships(ids: readonly string[], context: GraphQLContext): Promise<(Membership | Error)[]> {
  const valid = ids.filter(isUuid);
  const rows =
    valid.length > 0
      ? await context.em.find(
          Membership,
          { id: { $in: valid }, organization: context.principal.organizationId },
          { populate: ["user"] },
        )
      : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? new NotFoundError("Membership"));
}

/** A person's place in the caller's organization. */
export const MembershipNode = builder.loadableNode(Membership, {
  name: "Membership",
  description: "A user's membership of the organization, with their role.",
  id: { resolve: (membership) => membership.id, description: "The membership's global id." },
  load: (ids: string[], context) => loadMemberships(ids, context),
  authScopes: { apiKeyScope: "admin" },
  fields: (t) => ({
    email: t.string({
      description: "The member's email address.",
      resolve: async (membership) => (await membership.user.loadOrFail()).email,
    }),
    userId: t.string({
      description: "The member's user row id: what events name as their `actorId` when they act.",
      resolve: (membership) => membership.user.id,
    }),
    displayName: t.string({
      description: "The member's name.",
      resolve: async (membership) => (await membership.user.loadOrFail()).displayName,
    }),
    avatarUrl: t.string({
      nullable: true,
      description: "The member's avatar; null when they have none.",
      resolve: async (membership) => (await membership.user.loadOrFail()).avatarUrl ?? null,
    }),
    role: t.field({ type: MembershipRoleEnum, description: "Owner, admin or member.", resolve: (m) => m.role }),
    isViewer: t.boolean({
      description: "Whether this is the signed-in caller's own membership (always false for API keys).",
      resolve: (membership, _args, context) => membership.user.id === context.principal.userId,
    }),
    organization: t.field({
      type: OrganizationNode,
      description: "The organization.",
      resolve: (membership) => membership.organization.id,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When they joined." }),
  }),
});

builder.objectFields(OrganizationNode, (t) => ({
  memberships: t.connection(
    {
      type: MembershipNode,
      description: "The organization's members, earliest first.",
      authScopes: { apiKeyScope: "admin" },
      resolve: (organization, args, context) =>
        paginate(args, ({ where, orderBy, limit }) =>
          context.em.find(
            Membership,
            { organization: organization.id, ...where },
            { orderBy, limit, populate: ["user"] },
          ),
        ),
    },
    {
      description: "A page of memberships.",
      edgesField: { description: "The memberships of this page, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description: "Members of the organization.",
          resolve: (_connection, _args, context) =>
            context.em.count(Membership, { organization: context.principal.organizationId }),
        }),
      }),
    },
    { description: "A membership and its cursor.", nodeField: { description: "The membership." } },
  ),
}));
