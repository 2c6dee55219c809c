import { builder } from "../builder.ts";
import type { Principal } from "../context.ts";
import { OrganizationNode } from "./organization.ts";

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
      description: "The organization the caller acts in.",
      resolve: (principal) => principal.organizationId,
    }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: Viewer,
    description: "Who is calling: the credential's kind, scopes and organization.",
    authScopes: { member: true },
    resolve: (_root, _args, context) => context.principal,
  }),
);
