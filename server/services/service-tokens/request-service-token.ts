import * as oauth from "oauth4webapi";
import {
  type IntegrationEndpoints,
  integrationClient,
  integrationClientAuth,
  unseal,
} from "../../connections/integration-client.ts";
import { toUpstreamError, UpstreamError } from "../../connections/upstream-error.ts";
import { type UpstreamNetwork, upstreamRequestOptions } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { integrationPasswordAad } from "../../crypto/secret-aad.ts";
import type { IntegrationCredential } from "../../db/entities/index.ts";

/** The grant types whose tokens Latch acquires itself, with no user present. */
export const SERVICE_GRANT_TYPES = ["client_credentials", "password"] as const;
export type ServiceGrantType = (typeof SERVICE_GRANT_TYPES)[number];

export function isServiceGrantType(value: string): value is ServiceGrantType {
  return (SERVICE_GRANT_TYPES as readonly string[]).includes(value);
}

export function notAServiceIntegration(grantType: string): UpstreamError {
  return new UpstreamError(
    "upstream_misconfigured",
    `the integration uses the ${grantType} grant: only client_credentials and password integrations have service tokens`,
  );
}

type ServiceIntegration = IntegrationEndpoints &
  Pick<IntegrationCredential, "grantType" | "scopes" | "audience" | "username"> & {
    readonly passwordEncrypted?: string | null | undefined;
  };

/**
 * Asks the integration's token endpoint for a new access token: a refresh (RFC 6749 §6) when `refreshToken` is
 * given, else its grant, client credentials (§4.4) or resource owner password (§4.3), with its scopes and, when set,
 * its `audience`. The client authenticates with client_secret_basic (§2.3.1); the secret and password are unsealed
 * only for this call. Throws an {@link UpstreamError} that names no secret.
 *
 * @example
 * const response = await requestServiceToken(keyring, network, integration);
 * response.access_token; // hand it to sealTokenResponse, never to a log
 */
export async function requestServiceToken(
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  integration: ServiceIntegration,
  refreshToken?: string | null,
): Promise<oauth.TokenEndpointResponse> {
  if (!isServiceGrantType(integration.grantType)) throw notAServiceIntegration(integration.grantType);
  const { as, client } = integrationClient(integration);
  const options = upstreamRequestOptions(as.token_endpoint!, network);
  const what = refreshToken ? "refresh token request" : `${integration.grantType} token request`;
  const auth = integrationClientAuth(keyring, integration);
  try {
    if (refreshToken) {
      const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, options);
      return await oauth.processRefreshTokenResponse(as, client, response);
    }
    const parameters = new URLSearchParams();
    if (integration.scopes.length > 0) parameters.set("scope", integration.scopes.join(" "));
    if (integration.audience) parameters.set("audience", integration.audience);
    if (integration.grantType === "client_credentials") {
      const response = await oauth.clientCredentialsGrantRequest(as, client, auth, parameters, options);
      return await oauth.processClientCredentialsResponse(as, client, response);
    }
    parameters.set("username", integration.username ?? "");
    parameters.set("password", openPassword(keyring, integration));
    const response = await oauth.genericTokenEndpointRequest(as, client, auth, "password", parameters, options);
    return await oauth.processGenericTokenEndpointResponse(as, client, response);
  } catch (error) {
    throw toUpstreamError(error, what);
  }
}

function openPassword(keyring: MasterKeyring, integration: ServiceIntegration): string {
  if (!integration.username || !integration.passwordEncrypted) {
    throw new UpstreamError("upstream_misconfigured", "a password integration needs a username and a password");
  }
  return unseal(keyring, integration.passwordEncrypted, integrationPasswordAad(integration.id), "password");
}
