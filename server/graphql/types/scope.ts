import { Scope } from "../../db/entities/index.ts";
import type { Row } from "../../db/read-rows.ts";
import { listScopes, type ScopeDefinition } from "../../services/scopes/list-scopes.ts";
import { builder } from "../builder.ts";
import { loadOwnedRows } from "../loaders.ts";
import { OrganizationNode } from "./organization.ts";

export const ScopeKindEnum = builder.enumType("ScopeKind", {
  description: "What a scope grants access to.",
  values: {
    OIDC: { value: "oidc", description: "OpenID Connect sign-in (openid, profile)." },
    USER: { value: "user", description: "The signed-in user's own data." },
    WORKSPACE: { value: "workspace", description: "Data of the workspace the user picks on the consent page." },
    CUSTOM: { value: "custom", description: "Defined by the organization." },
  } as const,
});

/** A custom scope of the caller's organization; other organizations' scopes load as not found. */
export const ScopeNode = builder.loadableNode("Scope", {
  description: "A scope an organization added to the catalogue for its own apps.",
  id: { resolve: (scope: Row<Scope>) => scope.id },
  load: (ids: string[], context) => loadOwnedRows(Scope, ids, context),
  authScopes: { apiKeyScope: "apps:read" },
  fields: (t) => ({
    name: t.exposeString("name", { description: "The scope token apps request (RFC 6749 §3.3); it cannot change." }),
    description: t.exposeString("description", { description: "Shown to people on the consent page." }),
    organization: t.field({
      type: OrganizationNode,
      description: "The owner.",
      resolve: (scope) => scope.organization,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the scope was created." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When its description last changed." }),
  }),
});

const ScopeDefinitionRef = builder.objectRef<ScopeDefinition>("ScopeDefinition").implement({
  description: "An entry of the scope catalogue: a built-in scope or one of the organization's own.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The scope token apps request." }),
    description: t.exposeString("description", { description: "Shown to people on the consent page." }),
    kind: t.field({ type: ScopeKindEnum, description: "What it grants access to.", resolve: (entry) => entry.kind }),
    builtIn: t.exposeBoolean("builtIn", {
      description: "Whether Latch defines it (true) or the organization (false).",
    }),
    scope: t.field({
      type: ScopeNode,
      nullable: true,
      description: "The custom scope, to update or delete it; null for a built-in.",
      resolve: (entry) => entry.scope,
    }),
  }),
});

builder.queryField("scopes", (t) =>
  t.field({
    type: [ScopeDefinitionRef],
    description: "The scopes the organization's apps may request: the built-ins, then its own by name.",
    authScopes: { apiKeyScope: "apps:read" },
    resolve: (_root, _args, context) => listScopes(context.em, context.principal.organizationId),
  }),
);
