import type { EntityManager } from "@mikro-orm/postgresql";
import { toUpstreamError, UpstreamError } from "../../connections/upstream-error.ts";
import type { UpstreamNetwork } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { Connection, IntegrationCredential } from "../../db/entities/index.ts";
import { openAccessToken, openRefreshToken, sealTokenResponse } from "../connections/connection-tokens.ts";
import { recordEvent } from "../record-event.ts";
import { isServiceGrantType, notAServiceIntegration, requestServiceToken } from "./request-service-token.ts";
import { isFresh, isUnexpired } from "./token-freshness.ts";

/** The audit Event of a service token that could not be acquired or renewed (recorded when the error changes). */
export const SERVICE_TOKEN_FAILED_EVENT = "integration.service_token_failed";

type Outcome = { readonly token: string } | { readonly failure: UpstreamError; readonly fallback: string | null };

/** The organization's service connection of an integration: the one Connection row with no user. */
export function findServiceConnection(em: EntityManager, integrationId: string): Promise<Connection | null> {
  return em.findOne(Connection, { integration: integrationId, user: null });
}

/**
 * Makes sure the integration's service connection holds a fresh token and returns it, renewing it when needed under a
 * PostgreSQL advisory lock held for the transaction, so two processes never both ask the upstream: whoever gets the
 * lock second re-reads the row and finds the token the first one stored.
 *
 * Renewal uses the refresh token when the upstream gave one (RFC 6749 §6) and falls back to a new grant (§4.3, §4.4)
 * when that fails, since Latch holds the credentials to start over. A failure is written to the row's `error` (with
 * an audit Event when it changes) and thrown, unless the stored token is still unexpired: then that one is returned,
 * so an upstream blip during the renewal margin costs nothing. An expired token is never returned.
 */
export async function renewServiceToken(
  em: EntityManager,
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  integrationId: string,
  now: Date,
): Promise<string> {
  const outcome = await em.transactional(async (tx): Promise<Outcome> => {
    await tx.execute("select pg_advisory_xact_lock(hashtextextended(?, 0))", [`latch:service-token:${integrationId}`]);
    const integration = await tx.findOne(IntegrationCredential, { id: integrationId });
    if (!integration) throw new UpstreamError("upstream_misconfigured", "the integration no longer exists");
    if (!isServiceGrantType(integration.grantType)) throw notAServiceIntegration(integration.grantType);
    const connection = await findServiceConnection(tx, integrationId);
    const stored = connection ? openAccessToken(keyring, connection) : null;
    if (connection && stored && isFresh(connection, now)) return { token: stored };

    const row = connection ?? newServiceConnection(tx, integration, now);
    try {
      const response = await acquire(keyring, network, integration, row);
      tx.assign(row, {
        ...sealTokenResponse(keyring, row.id, response, now, {
          refreshTokenEncrypted: row.refreshTokenEncrypted ?? null,
          scopes: row.scopes,
        }),
        status: "active",
        lastRefreshedAt: now,
        error: null,
        updatedAt: now,
      });
      return { token: response.access_token };
    } catch (error) {
      const failure = toUpstreamError(error, "service token request");
      recordFailure(tx, integration, row, failure, now);
      return { failure, fallback: stored && connection && isUnexpired(connection, now) ? stored : null };
    }
  });
  if ("token" in outcome) return outcome.token;
  if (outcome.fallback) return outcome.fallback;
  throw outcome.failure;
}

/** A refresh when there is a refresh token, then a new grant if the upstream refuses the refresh. */
async function acquire(
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  integration: IntegrationCredential,
  row: Connection,
) {
  const refreshToken = openRefreshToken(keyring, row);
  if (refreshToken) {
    try {
      return await requestServiceToken(keyring, network, integration, refreshToken);
    } catch (error) {
      // Unreachable or misbehaving: a new grant would fare no better, and the refresh token may still be good.
      if (toUpstreamError(error, "refresh token request").code !== "upstream_error") throw error;
      // Refused (invalid_grant, say): dropped, and the new grant below replaces it or nothing does.
      row.refreshTokenEncrypted = null;
    }
  }
  return requestServiceToken(keyring, network, integration);
}

function newServiceConnection(tx: EntityManager, integration: IntegrationCredential, now: Date): Connection {
  return tx.create(Connection, {
    id: crypto.randomUUID(),
    integration,
    user: null,
    status: "active",
    accessTokenEncrypted: null,
    refreshTokenEncrypted: null,
    tokenType: null,
    scopes: [...integration.scopes],
    expiresAt: null,
    lastRefreshedAt: null,
    error: null,
    createdAt: now,
    updatedAt: now,
  });
}

/** The row keeps the error (code and safe message, never a token); the audit trail gets it once per change. */
function recordFailure(
  tx: EntityManager,
  integration: IntegrationCredential,
  row: Connection,
  failure: UpstreamError,
  now: Date,
): void {
  const error = `${failure.upstreamError ?? failure.code}: ${failure.message}`;
  if (row.error === error) return;
  tx.assign(row, { error, updatedAt: now });
  recordEvent(
    tx,
    {
      type: SERVICE_TOKEN_FAILED_EVENT,
      organizationId: integration.organization.id,
      subjectType: "integration",
      subjectId: integration.id,
      actor: { type: "system" },
      payload: {
        integrationId: integration.id,
        domain: integration.domain,
        grantType: integration.grantType,
        code: failure.code,
        upstreamError: failure.upstreamError ?? null,
      },
    },
    now,
  );
}
