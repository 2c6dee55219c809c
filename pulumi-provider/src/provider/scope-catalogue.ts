/**
 * What `check` can know of an app's custom scopes before anything is created: whether the organization defines
 * them, or a Scope resource of the same program declares them (its check ran first, in the same host process,
 * since the app's input depends on its output). Serialized with the providers: globals only.
 */
import { graphql, type LatchSettings } from "./client.ts";
import type { Failure } from "./rules.ts";
import { BUILT_IN_SCOPES, isUnknown } from "./rules.ts";

type Declared = { __latchDeclaredScopes?: Map<string, Set<string>> };

/** Which organization a declaration is for: a scope of one provider instance does not count for another's apps. */
const organizationKey = (settings: LatchSettings | undefined) =>
  settings ? `${settings.endpoint}\n${settings.apiKey}` : "";

function declaredFor(settings: LatchSettings | undefined): Set<string> {
  const global = globalThis as Declared;
  global.__latchDeclaredScopes ??= new Map();
  const key = organizationKey(settings);
  const declared = global.__latchDeclaredScopes.get(key) ?? new Set<string>();
  global.__latchDeclaredScopes.set(key, declared);
  return declared;
}

/** Notes a scope name a Scope resource of this program declares in the organization of `settings` (its check). */
export function declareScope(name: unknown, settings: LatchSettings | undefined): void {
  if (typeof name !== "string" || isUnknown(name)) return;
  declaredFor(settings).add(name);
}

/**
 * A failure for each well-formed custom scope that the organization does not define and no Scope of the program
 * declares. When the control plane cannot be asked (no settings yet, a network error), nothing is reported here:
 * the server still refuses the scope at `up`.
 */
export async function undefinedScopeFailures(
  settings: LatchSettings | undefined,
  scopes: readonly unknown[],
  resource: string,
): Promise<Failure[]> {
  const declared = declaredFor(settings);
  const custom = scopes.filter(
    (scope): scope is string =>
      typeof scope === "string" && !isUnknown(scope) && !BUILT_IN_SCOPES.includes(scope) && !declared.has(scope),
  );
  if (!settings || custom.length === 0) return [];
  let defined: Set<string>;
  try {
    const data = await graphql<{ scopes: { name: string }[] }>(
      settings,
      "query LatchPulumiScopes { scopes { name } }",
      {},
      { subject: { resource, property: "scopes" }, idempotent: true },
    );
    defined = new Set(data.scopes.map((scope) => scope.name));
  } catch {
    return [];
  }
  return custom
    .filter((scope) => !defined.has(scope))
    .map((scope) => ({
      property: "scopes",
      reason: `unknown scope "${scope}": the organization does not define it (declare it with a Scope resource and pass its name)`,
    }));
}
