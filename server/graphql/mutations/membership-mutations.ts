import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Membership } from "../../db/entities/index.ts";
import { addMember } from "../../services/memberships/add-member.ts";
import { changeMemberRole } from "../../services/memberships/change-member-role.ts";
import { removeMember } from "../../services/memberships/remove-member.ts";
import { builder } from "../builder.ts";
import { actorOf } from "../context.ts";
import { rowId } from "../global-id.ts";
import { MembershipNode, MembershipRoleEnum } from "../types/membership.ts";

const MembershipPayload = builder.objectRef<{ membership: Membership }>("MembershipPayload").implement({
  description: "The membership after the change.",
  fields: (t) => ({
    membership: t.field({ type: MembershipNode, description: "The membership.", resolve: (p) => p.membership }),
  }),
});

const RemoveMemberPayload = builder.objectRef<{ id: string }>("RemoveMemberPayload").implement({
  description: "The member no longer belongs to the organization; their user account stays.",
  fields: (t) => ({
    removedMembershipId: t.exposeID("id", { description: "The global id of the removed membership." }),
  }),
});

builder.mutationFields((t) => ({
  addMember: t.field({
    type: MembershipPayload,
    description:
      "Adds an existing user, found by email, to the organization. Invitations by email are not supported: a person without an account signs up first (NotFoundError until then). Only a signed-in owner may add an owner (ForbiddenError otherwise).",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "admin" },
    args: {
      email: t.arg.string({ required: true, description: "The user's email address (case-insensitive)." }),
      role: t.arg({ type: MembershipRoleEnum, required: true, description: "Their role." }),
    },
    resolve: async (_root, args, context) => {
      const membership = await addMember(
        context.em,
        {
          organizationId: context.principal.organizationId,
          email: args.email,
          role: args.role,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { membership };
    },
  }),
  changeMemberRole: t.field({
    type: MembershipPayload,
    description:
      "Changes a member's role. Only a signed-in owner may make or unmake owners (ForbiddenError otherwise); the last owner cannot be demoted (ConflictError).",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "admin" },
    args: {
      id: t.arg.globalID({ required: true, description: "The membership." }),
      role: t.arg({ type: MembershipRoleEnum, required: true, description: "The new role." }),
    },
    resolve: async (_root, args, context) => {
      const membership = await changeMemberRole(
        context.em,
        {
          membershipId: rowId(args.id, "Membership"),
          organizationId: context.principal.organizationId,
          role: args.role,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { membership };
    },
  }),
  removeMember: t.field({
    type: RemoveMemberPayload,
    description:
      "Removes a member from the organization. Only a signed-in owner may remove an owner (ForbiddenError otherwise); the last owner cannot be removed (ConflictError).",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "admin" },
    args: { id: t.arg.globalID({ required: true, description: "The membership." }) },
    resolve: async (_root, args, context) => {
      const membershipId = rowId(args.id, "Membership");
      await removeMember(
        context.em,
        { membershipId, organizationId: context.principal.organizationId, actor: actorOf(context.principal) },
        context.now(),
      );
      return { id: encodeGlobalID("Membership", membershipId) };
    },
  }),
}));
