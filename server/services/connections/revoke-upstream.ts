import * as oauth from "oauth4webapi";
import { integrationClient, integrationClientAuth } from "../../connections/integration-client.ts";
import { toUpstreamError } from "../../connections/upstream-error.ts";
import { type UpstreamNetwork, upstreamRequestOptions } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import type { Connection, IntegrationCredential } from "../../db/entities/index.ts";
import type { Logger } from "../../logger.ts";
import { openAccessToken, openRefreshToken } from "./connection-tokens.ts";

/** `revoked` at the upstream, `failed` (logged, not fatal), or `not_supported` (no revocation URL, or no token). */
export type UpstreamRevocation = "revoked" | "failed" | "not_supported";

/**
 * Revokes a connection's tokens at the integration's revocation endpoint (RFC 7009 §2.1): the refresh token first,
 * which may take the access tokens of its grant with it, then the access token. A refusal or a timeout is logged and
 * answered as `failed`, never thrown: the caller forgets the tokens either way.
 */
export async function revokeConnectionUpstream(
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  integration: IntegrationCredential,
  row: Connection,
  logger: Logger | undefined,
): Promise<UpstreamRevocation> {
  const tokens = [
    { hint: "refresh_token", value: openRefreshToken(keyring, row) },
    { hint: "access_token", value: openAccessToken(keyring, row) },
  ].filter((token): token is { hint: string; value: string } => token.value !== null);
  if (!integration.revocationUrl || tokens.length === 0) return "not_supported";
  try {
    const upstream = integrationClient(integration);
    for (const token of tokens) {
      const response = await oauth.revocationRequest(
        upstream.as,
        upstream.client,
        integrationClientAuth(keyring, integration),
        token.value,
        {
          ...upstreamRequestOptions(integration.revocationUrl, network),
          additionalParameters: { token_type_hint: token.hint },
        },
      );
      await oauth.processRevocationResponse(response);
    }
    return "revoked";
  } catch (error) {
    const failure = toUpstreamError(error, "revocation");
    logger?.warn(
      { connectionId: row.id, integrationId: integration.id, code: failure.code, reason: failure.message },
      "upstream revocation failed; the connection's tokens are forgotten anyway",
    );
    return "failed";
  }
}

/** How many connections' revocations each outcome had. */
export type UpstreamRevocationCounts = Record<UpstreamRevocation, number>;

/** How many revocations run at once when an integration goes with all its connections. */
const CONCURRENT_REVOCATIONS = 8;

/** Revokes the tokens of many connections of one integration, a few at a time, and counts the outcomes. */
export async function revokeConnectionsUpstream(
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  integration: IntegrationCredential,
  rows: readonly Connection[],
  logger: Logger | undefined,
): Promise<UpstreamRevocationCounts> {
  const counts: UpstreamRevocationCounts = { revoked: 0, failed: 0, not_supported: 0 };
  for (let i = 0; i < rows.length; i += CONCURRENT_REVOCATIONS) {
    const outcomes = await Promise.all(
      rows
        .slice(i, i + CONCURRENT_REVOCATIONS)
        .map((row) => revokeConnectionUpstream(keyring, network, integration, row, logger)),
    );
    for (const outcome of outcomes) counts[outcome]++;
  }
  return counts;
}
