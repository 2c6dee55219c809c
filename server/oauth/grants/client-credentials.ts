import { InvalidScopeError, UnauthorizedClientError } from "../errors.ts";
import { checkScopesAllowed } from "../scopes.ts";

export { checkGrantTypeAllowed, GRANT_TYPES } from "./grant-types.ts";

/**
 * Decides a client credentials grant (RFC 6749 §4.4): only a confidential client registered for it, and only
 * scopes it may request; no scope requested means none granted.
 *
 * @throws {UnauthorizedClientError} for a public client or one not registered for the grant.
 * @throws {InvalidScopeError} for a scope the client may not request, or `openid`.
 */
export function decideClientCredentials(input: {
  client: { type: "confidential" | "public"; grantTypes: readonly string[]; allowedScopes: readonly string[] };
  requestedScopes: readonly string[];
}): { scopes: string[] } {
  const { client, requestedScopes } = input;
  // §4.4: "The client credentials grant type MUST only be used by confidential clients."
  if (client.type !== "confidential") {
    throw new UnauthorizedClientError("public clients cannot use the client_credentials grant");
  }
  if (!client.grantTypes.includes("client_credentials")) {
    throw new UnauthorizedClientError("this client is not allowed to use the client_credentials grant");
  }
  // No user signs in, so there is nobody an ID token could describe.
  if (requestedScopes.includes("openid")) {
    throw new InvalidScopeError('scope "openid" needs a signed-in user and cannot be used with client_credentials');
  }
  checkScopesAllowed(requestedScopes, client.allowedScopes);
  return { scopes: [...requestedScopes] };
}
