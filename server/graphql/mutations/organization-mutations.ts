import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Organization } from "../../db/entities/index.ts";
import { ValidationError } from "../../services/errors.ts";
import { createOrganization } from "../../services/organizations/create-organization.ts";
import { deleteOrganization } from "../../services/organizations/delete-organization.ts";
import { updateOrganization } from "../../services/organizations/update-organization.ts";
import { builder } from "../builder.ts";
import { actorOf, type GraphQLContext } from "../context.ts";
import { rowId } from "../global-id.ts";
import { OrganizationNode, SignUpPolicyEnum } from "../types/organization.ts";

const OrganizationPayload = builder.objectRef<{ organization: Organization }>("OrganizationPayload").implement({
  description: "The workspace after the change.",
  fields: (t) => ({
    organization: t.field({
      type: OrganizationNode,
      description: "The workspace.",
      resolve: (p) => p.organization,
    }),
  }),
});

const DeleteOrganizationPayload = builder.objectRef<{ id: string }>("DeleteOrganizationPayload").implement({
  description: "The workspace is gone, with its apps, grants, API keys and webhooks.",
  fields: (t) => ({
    deletedOrganizationId: t.exposeID("id", { description: "The global id of the deleted workspace." }),
  }),
});

/** The organization an `id` argument names; it must be the one the caller acts in (chosen by `Latch-Organization`). */
function actingOrganization(id: { typename: string; id: string }, context: GraphQLContext): string {
  const organizationId = rowId(id, "Organization");
  if (organizationId !== context.principal.organizationId) {
    throw new ValidationError(
      "id",
      "id must be the organization this request acts in; choose it with the Latch-Organization header",
    );
  }
  return organizationId;
}

builder.mutationFields((t) => ({
  createOrganization: t.field({
    type: OrganizationPayload,
    description:
      "Creates a workspace; the signed-in user who calls it becomes its owner. Its slug is derived from the name and made unique. Only a person, through their session, can create one: API keys get ForbiddenError. A signed-in user who belongs to no workspace yet may call this (and only this).",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { signedIn: true },
    args: { name: t.arg.string({ required: true, description: "The display name, 1 to 100 characters." }) },
    resolve: async (_root, args, context) => {
      const organization = await createOrganization(
        context.em,
        { name: args.name, actor: actorOf(context.principal) },
        context.now(),
      );
      return { organization };
    },
  }),
  updateOrganization: t.field({
    type: OrganizationPayload,
    description:
      "Renames the workspace the request acts in and sets its sign-up policy and email-verification rule (owners, admins, admin API keys). Left-out fields stay. The slug stays, so headers and scripts that name it keep working.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "admin" },
    args: {
      id: t.arg.globalID({ required: true, description: "The workspace: the one this request acts in." }),
      name: t.arg.string({ required: false, description: "The new display name, 1 to 100 characters." }),
      signUpPolicy: t.arg({
        type: SignUpPolicyEnum,
        required: false,
        description: "Who may sign up through its apps.",
      }),
      requireVerifiedEmail: t.arg.boolean({
        required: false,
        description: "Whether consent to its apps needs a verified email.",
      }),
      requireMfaForAdmins: t.arg.boolean({
        required: false,
        description: "Whether its owners and admins must sign in with a second factor (from their next sign-in).",
      }),
    },
    resolve: async (_root, args, context) => {
      const organization = await updateOrganization(
        context.em,
        {
          organizationId: actingOrganization(args.id, context),
          name: args.name,
          signUpPolicy: args.signUpPolicy,
          requireVerifiedEmail: args.requireVerifiedEmail,
          requireMfaForAdmins: args.requireMfaForAdmins,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { organization };
    },
  }),
  deleteOrganization: t.field({
    type: DeleteOrganizationPayload,
    description:
      "Deletes the workspace the request acts in, with its apps (every token they issued stops working at once), grants, members, API keys, webhooks and integrations. Only an owner, signed in, may (ForbiddenError otherwise), after typing its exact name (ValidationError on `confirmName`); a user's only workspace cannot be deleted (ConflictError): create another first.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "admin" },
    args: {
      id: t.arg.globalID({ required: true, description: "The workspace: the one this request acts in." }),
      confirmName: t.arg.string({ required: true, description: "The workspace's name, typed to confirm." }),
    },
    resolve: async (_root, args, context) => {
      const organizationId = actingOrganization(args.id, context);
      await deleteOrganization(
        context.em,
        { organizationId, confirmName: args.confirmName, actor: actorOf(context.principal) },
        context.now(),
      );
      return { id: encodeGlobalID("Organization", organizationId) };
    },
  }),
}));
