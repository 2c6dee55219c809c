import { type MembershipRole, Organization } from "../../db/entities/index.ts";
import { listUserOrganizations } from "../../services/organizations/list-user-organizations.ts";
import { builder } from "../builder.ts";
import { NO_ORGANIZATION, type Principal } from "../context.ts";
import { MembershipRoleEnum } from "./membership.ts";
import { OrganizationNode } from "./organization.ts";

type ViewerOrganizationRow = { organization: Organization; role: MembershipRole | null; current: boolean };

const ViewerOrganization = builder.objectRef<ViewerOrganizationRow>("ViewerOrganization").implement({
  description: "A workspace the caller may act in, with their role there.",
  fields: (t) => ({
    organization: t.field({
      type: OrganizationNode,
      description: "The workspace; send its id or slug as the `Latch-Organization` header to act in it.",
      resolve: (row) => row.organization,
    }),
    role: t.field({
      type: MembershipRoleEnum,
      nullable: true,
      description: "The signed-in member's role; null for an API key, which acts in its own organization only.",
      resolve: (row) => row.role,
    }),
    isCurrent: t.exposeBoolean("current", { description: "Whether this request acts in this workspace." }),
  }),
});

const ViewerKind = builder.enumType("ViewerKind", {
  description: "How the caller authenticated.",
  values: {
    API_KEY: { value: "api_key", description: "An organization API key." },
    USER: { value: "user", description: "A signed-in member, through their browser session." },
  } as const,
});

const Viewer = builder.objectRef<Principal>("Viewer").implement({
  description: "The authenticated caller of this request.",
  fields: (t) => ({
    kind: t.field({
      type: ViewerKind,
      description: "How the caller authenticated.",
      resolve: (principal) => principal.kind,
    }),
    scopes: t.exposeStringList("scopes", { description: "What this credential may do." }),
    organization: t.field({
      type: OrganizationNode,
      nullable: true,
      description:
        "The organization the caller acts in; null for a signed-in user who belongs to no workspace yet (just signed up, or removed from the last one), who may only `createOrganization`.",
      resolve: (principal) => (principal.organizationId === NO_ORGANIZATION ? null : principal.organizationId),
    }),
    organizations: t.field({
      type: [ViewerOrganization],
      description:
        "The workspaces the caller may act in, oldest membership first: a signed-in user's memberships with their role; for an API key, its own organization.",
      resolve: async (principal, _args, context): Promise<ViewerOrganizationRow[]> => {
        if (principal.kind === "user" && principal.userId) {
          const rows = await listUserOrganizations(context.em, principal.userId);
          return rows.map((row) => ({ ...row, current: row.organization.id === principal.organizationId }));
        }
        const own = await context.em.findOneOrFail(Organization, { id: principal.organizationId });
        return [{ organization: own, role: null, current: true }];
      },
    }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: Viewer,
    description:
      "Who is calling: the credential's kind, scopes and organization. A signed-in user in no workspace yet may ask too (their `organization` is null).",
    // Either scope: a member of the organization acted in, or any signed-in person (who may be in none yet).
    authScopes: { member: true, signedIn: true },
    resolve: (_root, _args, context) => context.principal,
  }),
);
