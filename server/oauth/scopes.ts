import { InvalidScopeError } from "./errors.ts";
import { WORKSPACE_SCOPES } from "./scope-catalogue.ts";

// NQCHAR = %x21 / %x23-5B / %x5D-7E (RFC 6749 Appendix A.4): printable ASCII without space, '"' and '\'.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Scopes a client may always ask for: `openid` only switches on OpenID Connect, it reaches no data by itself. */
const ALWAYS_ALLOWED = new Set(["openid"]);

/**
 * Parses a `scope` parameter into its tokens, de-duplicated in order (RFC 6749 §3.3); absent or empty gives [].
 *
 * @throws {InvalidScopeError} when a token has characters outside NQCHAR.
 */
export function parseScopeParam(value: string | undefined): string[] {
  if (value === undefined) return [];
  // Runs of spaces are tolerated: they are a common client slip and cannot smuggle anything in.
  const tokens = value.split(" ").filter((token) => token !== "");
  const bad = tokens.findIndex((token) => !SCOPE_TOKEN.test(token));
  if (bad !== -1) {
    // The token itself is not echoed: it is attacker-controlled and, by definition, holds characters we refuse.
    throw new InvalidScopeError(
      `scope token ${bad + 1} contains a character outside %x21 / %x23-5B / %x5D-7E (RFC 6749 §3.3)`,
    );
  }
  return [...new Set(tokens)];
}

/** `scopes` with `all` expanded to every workspace scope (keeping `all` itself), de-duplicated in order. */
export function expandScopes(scopes: readonly string[]): string[] {
  const expanded = scopes.includes("all") ? [...scopes, ...WORKSPACE_SCOPES] : scopes;
  return [...new Set(expanded)];
}

/**
 * Refuses a request for any scope outside what the client may ask for (RFC 6749 §3.3); `openid` is always allowed.
 *
 * @throws {InvalidScopeError} naming the first scope that is not allowed.
 */
export function checkScopesAllowed(requested: readonly string[], allowed: readonly string[]): void {
  const permitted = new Set([...expandScopes(allowed), ...ALWAYS_ALLOWED]);
  const refused = requested.find((scope) => !permitted.has(scope));
  if (refused !== undefined) throw new InvalidScopeError(`scope "${refused}" is not allowed for this client`);
}

/** Whether every scope of `subset` is covered by `superset`, `all` expanded on both sides (RFC 6749 §6). */
export function isScopeSubset(subset: readonly string[], superset: readonly string[]): boolean {
  const covered = new Set(expandScopes(superset));
  return expandScopes(subset).every((scope) => covered.has(scope));
}

/** The `scope` parameter value of a list of scopes: space-delimited (RFC 6749 §3.3). */
export function formatScope(scopes: readonly string[]): string {
  return scopes.join(" ");
}
