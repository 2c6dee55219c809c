import type { Invitation } from "../../db/entities/index.ts";
import { RateLimitedError } from "../../services/errors.ts";
import { inviteMember } from "../../services/invitations/invite-member.ts";
import { resendInvitation } from "../../services/invitations/resend-invitation.ts";
import { revokeInvitation } from "../../services/invitations/revoke-invitation.ts";
import { builder } from "../builder.ts";
import { actorOf, type GraphQLContext } from "../context.ts";
import { rowId } from "../global-id.ts";
import { InvitationNode } from "../types/invitation.ts";
import { MembershipRoleEnum } from "../types/membership.ts";

const InvitationPayload = builder.objectRef<{ invitation: Invitation }>("InvitationPayload").implement({
  description: "The invitation after the change. Its link is only ever in the email.",
  fields: (t) => ({
    invitation: t.field({ type: InvitationNode, description: "The invitation.", resolve: (p) => p.invitation }),
  }),
});

const mailDeps = (context: GraphQLContext) => ({
  mailer: context.mailer,
  logger: context.logger,
  publicUrl: context.publicUrl,
  limits: context.invitationLimits,
});

builder.mutationFields((t) => ({
  inviteMember: t.field({
    type: InvitationPayload,
    description:
      "Invites an email address (with or without an account) to join the organization with a role, and mails it a link valid 7 days; accepting signs the invitee in, or creates their account, whatever the sign-up policy. Only a signed-in owner may invite an owner (ForbiddenError). An address of a member is a ConflictError; inviting an address with a pending invitation renews that one (new link, the role given now). RateLimitedError past 5 mails of one invitation or 100 of the organization an hour.",
    errors: {
      types: [RateLimitedError],
      union: { description: "The payload, or the typed error that kept anything from changing." },
    },
    authScopes: { apiKeyScope: "admin" },
    args: {
      email: t.arg.string({ required: true, description: "The invitee's email address." }),
      role: t.arg({ type: MembershipRoleEnum, required: true, description: "The role they join with." }),
    },
    resolve: async (_root, args, context) => {
      const invitation = await inviteMember(
        context.em,
        mailDeps(context),
        {
          organizationId: context.principal.organizationId,
          email: args.email,
          role: args.role,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { invitation };
    },
  }),
  resendInvitation: t.field({
    type: InvitationPayload,
    description:
      "Mails a pending or expired invitation again with a new link valid 7 days; the previous link stops working. Accepted or revoked invitations are a ConflictError; RateLimitedError past 5 mails of one invitation an hour.",
    errors: {
      types: [RateLimitedError],
      union: { description: "The payload, or the typed error that kept anything from changing." },
    },
    authScopes: { apiKeyScope: "admin" },
    args: { id: t.arg.globalID({ required: true, description: "The invitation." }) },
    resolve: async (_root, args, context) => {
      const invitation = await resendInvitation(
        context.em,
        mailDeps(context),
        {
          invitationId: rowId(args.id, "Invitation"),
          organizationId: context.principal.organizationId,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { invitation };
    },
  }),
  revokeInvitation: t.field({
    type: InvitationPayload,
    description:
      "Revokes an invitation: its link stops working at once. Revoking a revoked or expired invitation changes nothing; an accepted one is a ConflictError (remove the member instead).",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "admin" },
    args: { id: t.arg.globalID({ required: true, description: "The invitation." }) },
    resolve: async (_root, args, context) => {
      const invitation = await revokeInvitation(
        context.em,
        {
          invitationId: rowId(args.id, "Invitation"),
          organizationId: context.principal.organizationId,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { invitation };
    },
  }),
}));
