import type { EntityManager } from "@mikro-orm/postgresql";
import { Scope } from "../../db/entities/index.ts";
import { BUILT_IN_SCOPES } from "../../oauth/scope-catalogue.ts";

/** A scope as the consent and connections pages word it for people. */
export type ScopeDescription = { readonly name: string; readonly description: string };

const BUILT_IN = new Map(BUILT_IN_SCOPES.map((scope) => [scope.name, scope.description]));

/**
 * What each of `scopes` means to the person consenting: a built-in scope's own words, an organization scope's
 * description from its catalogue, and a plain fallback for a name neither knows. One query, only when a scope is not
 * built in.
 */
export async function describeScopes(
  em: EntityManager,
  organizationId: string,
  scopes: readonly string[],
): Promise<ScopeDescription[]> {
  const custom = scopes.filter((name) => !BUILT_IN.has(name));
  const rows =
    custom.length === 0
      ? []
      : await em.find(
          Scope,
          { organization: organizationId, name: { $in: custom } },
          { fields: ["name", "description"] },
        );
  const descriptions = new Map([...BUILT_IN, ...rows.map((row) => [row.name, row.description] as const)]);
  return scopes.map((name) => ({ name, description: descriptions.get(name) ?? `Use "${name}" on your behalf` }));
}
