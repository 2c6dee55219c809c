import type { AuthorizeRequest } from "./authorize-request.ts";
import { isScopeSubset } from "./scopes.ts";

/**
 * Whether the user must see the consent page (RFC 6749 §4.1.1, RFC 9700 §4.1.1): no grant yet, a request for more
 * than was granted (`all` expanded), or `prompt=consent` (OIDC Core §3.1.2.1).
 */
export function needsConsent(input: {
  grantedScopes: readonly string[] | null;
  requestedScopes: readonly string[];
  prompt: AuthorizeRequest["prompt"];
}): boolean {
  if (input.prompt === "consent" || input.grantedScopes === null) return true;
  return !isScopeSubset(input.requestedScopes, input.grantedScopes);
}

/**
 * The workspaces a user may grant the request to: any of theirs for a user grant; for a bot install only those they
 * own or administer, and only the one `guild_id` names when it names one.
 */
export function eligibleWorkspaces<W extends { readonly id: string; readonly role: string }>(
  workspaces: readonly W[],
  request: Pick<AuthorizeRequest, "bot">,
): W[] {
  const eligible = request.bot ? workspaces.filter((w) => w.role === "owner" || w.role === "admin") : [...workspaces];
  const wanted = request.bot?.guildId;
  return wanted ? eligible.filter((w) => w.id === wanted) : eligible;
}
