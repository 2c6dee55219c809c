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
