import type { EntityManager } from "@mikro-orm/postgresql";
import { Scope } from "../../db/entities/index.ts";
import { type Row, readRows } from "../../db/read-rows.ts";
import { BUILT_IN_SCOPES } from "../../oauth/scope-catalogue.ts";

/** One entry of an organization's scope catalogue. */
export type ScopeDefinition = {
  readonly name: string;
  readonly description: string;
  readonly kind: "user" | "workspace" | "oidc" | "custom";
  readonly builtIn: boolean;
  /** The organization's row behind a custom scope; null for a built-in. */
  readonly scope: Row<Scope> | null;
};

/** What apps of the organization may request: the built-in scopes in catalogue order, then its own by name. */
export async function listScopes(em: EntityManager, organizationId: string): Promise<ScopeDefinition[]> {
  const custom = await readRows(em, Scope, { organization: organizationId }, { orderBy: { name: "asc" } });
  return [
    ...BUILT_IN_SCOPES.map((scope) => ({ ...scope, builtIn: true, scope: null })),
    ...custom.map((scope) => ({
      name: scope.name,
      description: scope.description,
      kind: "custom" as const,
      builtIn: false,
      scope,
    })),
  ];
}
