import { Invitation, Membership } from "../../db/entities/index.ts";
import { invitationState, pendingWhere } from "../../services/invitations/invitation-rules.ts";
import { builder } from "../builder.ts";
import { loadOwned } from "../loaders.ts";
import { paginate } from "../pagination.ts";
import { MembershipNode, MembershipRoleEnum } from "./membership.ts";
import { OrganizationNode } from "./organization.ts";

export const InvitationStateEnum = builder.enumType("InvitationState", {
  description: "Where an invitation stands.",
  values: {
    PENDING: { value: "pending", description: "Mailed; its link works until it expires." },
    ACCEPTED: { value: "accepted", description: "The invitee joined the organization." },
    REVOKED: { value: "revoked", description: "Revoked: its link no longer works." },
    EXPIRED: { value: "expired", description: "Not accepted within 7 days; resend it for a fresh week." },
  } as const,
});

/** An invitation of the caller's organization; its link token is never readable (only its hash is stored). */
export const InvitationNode = builder.loadableNode(Invitation, {
  name: "Invitation",
  description: "An invitation by email to join the organization with a role. The link itself is only in the email.",
  id: { resolve: (invitation) => invitation.id, description: "The invitation's global id." },
  load: (ids: string[], context) => loadOwned(Invitation, ids, context),
  authScopes: { apiKeyScope: "admin" },
  fields: (t) => ({
    email: t.exposeString("email", { description: "The address it was sent to, as the inviter typed it." }),
    role: t.field({
      type: MembershipRoleEnum,
      description: "The role the invitee joins with.",
      resolve: (i) => i.role,
    }),
    state: t.field({
      type: InvitationStateEnum,
      description: "Pending, accepted, revoked or expired.",
      resolve: (invitation, _args, context) => invitationState(invitation, context.now()),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was first sent." }),
    expiresAt: t.expose("expiresAt", {
      type: "DateTime",
      description: "When its link stops working (a resend starts a fresh week).",
    }),
    invitedBy: t.loadable({
      type: MembershipNode,
      nullable: true,
      description:
        "The member who sent (or last resent) it; null when an API key did, or when they left the organization.",
      load: async (userIds: string[], context) => {
        const rows = await context.em.find(
          Membership,
          { user: { $in: userIds }, organization: context.principal.organizationId },
          { populate: ["user"] },
        );
        const byUser = new Map(rows.map((row) => [row.user.id, row]));
        return userIds.map((id) => byUser.get(id) ?? null);
      },
      resolve: (invitation) => invitation.invitedBy?.id ?? null,
    }),
  }),
});

builder.objectFields(OrganizationNode, (t) => ({
  invitations: t.connection(
    {
      type: InvitationNode,
      description: "The organization's pending invitations (not accepted, revoked or expired), oldest first.",
      authScopes: { apiKeyScope: "admin" },
      resolve: (organization, args, context) =>
        paginate(args, ({ where, orderBy, limit }) =>
          context.em.find(
            Invitation,
            { ...pendingWhere(organization.id, context.now()), ...where },
            { orderBy, limit },
          ),
        ),
    },
    {
      description: "A page of pending invitations.",
      edgesField: { description: "The invitations of this page, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description: "Pending invitations of the organization.",
          resolve: (_connection, _args, context) =>
            context.em.count(Invitation, pendingWhere(context.principal.organizationId, context.now())),
        }),
      }),
    },
    { description: "An invitation and its cursor.", nodeField: { description: "The invitation." } },
  ),
}));
