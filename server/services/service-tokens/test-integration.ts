import type { EntityManager } from "@mikro-orm/postgresql";
import * as oauth from "oauth4webapi";
import { integrationClient, integrationClientAuth } from "../../connections/integration-client.ts";
import { toUpstreamError, UpstreamError } from "../../connections/upstream-error.ts";
import { type UpstreamNetwork, upstreamRequestOptions } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { IntegrationCredential } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { isServiceGrantType, requestServiceToken } from "./request-service-token.ts";

/** What `testIntegration` learned from the upstream: never a token. */
export type IntegrationTestResult = {
  readonly ok: boolean;
  readonly grantType: string;
  readonly tokenType?: string;
  readonly expiresIn?: number;
  readonly scopes?: string[];
  readonly error?: { readonly code: string; readonly message: string; readonly upstreamError?: string };
};

/**
 * Tries an integration's credentials against its token endpoint and reports the upstream's answer, for an admin
 * checking what they configured. Changes nothing stored: the stored service token stays as it is.
 *
 * - `client_credentials` (RFC 6749 §4.4) and `password` (§4.3): requests a new token and reports its type, lifetime
 *   and granted scopes; the token itself is dropped.
 * - `authorization_code` (§4.1): no token can be had without a user, so it presents a code that cannot exist. An
 *   endpoint that answers with an OAuth error other than `invalid_client`/`unauthorized_client` (§5.2) is reachable,
 *   speaks OAuth and accepted the client's credentials: that is `ok`.
 *
 * Throws NotFoundError for an integration of another organization.
 */
export async function testIntegration(
  em: EntityManager,
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  input: { readonly integrationId: string; readonly organizationId: string },
  _now: Date,
): Promise<IntegrationTestResult> {
  const integration = await em.findOne(IntegrationCredential, {
    id: input.integrationId,
    organization: input.organizationId,
  });
  if (!integration) throw new NotFoundError("Integration");
  const { grantType } = integration;
  try {
    if (!isServiceGrantType(grantType)) return await probeAuthorizationCode(keyring, network, integration);
    const response = await requestServiceToken(keyring, network, integration);
    return {
      ok: true,
      grantType,
      tokenType: response.token_type.toLowerCase(),
      ...(typeof response.expires_in === "number" ? { expiresIn: response.expires_in } : {}),
      scopes: response.scope ? response.scope.split(" ").filter(Boolean) : [...integration.scopes],
    };
  } catch (error) {
    const failure = toUpstreamError(error, "token request");
    return {
      ok: false,
      grantType,
      error: {
        code: failure.code,
        message: failure.message,
        ...(failure.upstreamError ? { upstreamError: failure.upstreamError } : {}),
      },
    };
  }
}

/** Codes that say the client's own credentials were refused, not the made-up code. */
const CLIENT_REFUSED = new Set(["invalid_client", "unauthorized_client"]);

async function probeAuthorizationCode(
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  integration: IntegrationCredential,
): Promise<IntegrationTestResult> {
  const { as, client } = integrationClient(integration);
  const tokenUrl = as.token_endpoint!;
  const auth = integrationClientAuth(keyring, integration);
  const probe = new URLSearchParams({
    code: `latch-probe-${crypto.randomUUID()}`,
    code_verifier: oauth.generateRandomCodeVerifier(),
  });
  try {
    const response = await oauth.genericTokenEndpointRequest(
      as,
      client,
      auth,
      "authorization_code",
      probe,
      upstreamRequestOptions(tokenUrl, network),
    );
    await oauth.processGenericTokenEndpointResponse(as, client, response);
  } catch (error) {
    const failure = toUpstreamError(error, "token endpoint probe");
    if (failure.code === "upstream_error" && !CLIENT_REFUSED.has(failure.upstreamError ?? "")) {
      return { ok: true, grantType: integration.grantType };
    }
    throw failure;
  }
  throw new UpstreamError("upstream_bad_response", "token endpoint probe: a made-up code was accepted");
}
