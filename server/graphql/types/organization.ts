import { Organization } from "../../db/entities/index.ts";
import { NotFoundError } from "../../services/errors.ts";
import { builder } from "../builder.ts";
import type { GraphQLContext } from "../context.ts";

/**
 * Loads organizations by id for DataLoader, visible only to their own members: another org's id loads as
 * not found, so a guessed global id reads exactly like one that does not exist.
 */
async function loadOrganizations(ids: readonly string[], context: GraphQLContext): Promise<(Organization | Error)[]> {
  const visible = ids.filter((id) => id === context.principal.organizationId);
  const rows = visible.length > 0 ? await context.em.find(Organization, { id: { $in: visible } }) : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? new NotFoundError("Organization"));
}

export const SignUpPolicyEnum = builder.enumType("SignUpPolicy", {
  description: "Who may create an account on the login page of the organization's apps.",
  values: {
    OPEN: { value: "OPEN", description: 'Anyone: the login page offers "Create account".' },
    INVITE_ONLY: { value: "INVITE_ONLY", description: "Only people the organization invited." },
    CLOSED: { value: "CLOSED", description: "No one: accounts are created by the operator (the default)." },
  } as const,
});

export const OrganizationNode = builder.loadableNode(Organization, {
  name: "Organization",
  description: "A workspace: it owns applications, scopes, webhooks and API keys.",
  id: { resolve: (organization) => organization.id },
  load: loadOrganizations,
  fields: (t) => ({
    name: t.exposeString("name", { description: "The display name." }),
    slug: t.exposeString("slug", { description: "URL-safe unique name" }),
    signUpPolicy: t.field({
      type: SignUpPolicyEnum,
      description: "Who may create an account while authorizing one of the organization's apps.",
      resolve: (organization) => organization.signUpPolicy,
    }),
    requireVerifiedEmail: t.exposeBoolean("requireVerifiedEmail", {
      description: "Whether a person must have verified their email before consenting to one of its apps.",
    }),
    requireMfaForAdmins: t.exposeBoolean("requireMfaForAdmins", {
      description:
        "Whether its owners and admins must sign in with a second factor: one without is asked to set up an authenticator app at their next sign-in, and may not remove it.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the organization was created." }),
  }),
});

builder.queryField("organization", (t) =>
  t.field({
    type: OrganizationNode,
    description: "The organization the caller acts in.",
    authScopes: { member: true },
    resolve: (_root, _args, context) => context.principal.organizationId,
  }),
);
