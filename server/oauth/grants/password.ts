import { InvalidRequestError, UnauthorizedClientError } from "../errors.ts";
import { checkScopesAllowed } from "../scopes.ts";

export { checkGrantTypeAllowed, GRANT_TYPES } from "./grant-types.ts";

/**
 * Decides a resource owner password credentials grant (RFC 6749 §4.3) before the password is checked: only for a
 * client that opted in, with both credentials present and allowed scopes. Checking the password is the service's job.
 *
 * @throws {UnauthorizedClientError} when the client has not opted in to the password grant.
 * @throws {InvalidRequestError} when username or password is missing.
 * @throws {InvalidScopeError} for a scope the client may not request.
 */
export function decidePasswordGrant(input: {
  client: { grantTypes: readonly string[]; allowPasswordGrant: boolean; allowedScopes: readonly string[] };
  requestedScopes: readonly string[];
  username: string | undefined;
  password: string | undefined;
}): { scopes: string[] } {
  const { client } = input;
  // RFC 9700 §2.4: the grant exposes the user's password to the client, so it must be a deliberate opt-in.
  if (!client.allowPasswordGrant || !client.grantTypes.includes("password")) {
    throw new UnauthorizedClientError("this client is not allowed to use the password grant");
  }
  if (!input.username) throw new InvalidRequestError("username is required");
  if (!input.password) throw new InvalidRequestError("password is required");
  checkScopesAllowed(input.requestedScopes, client.allowedScopes);
  return { scopes: [...input.requestedScopes] };
}
