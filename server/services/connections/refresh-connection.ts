import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import * as oauth from "oauth4webapi";
import { integrationClient, integrationClientAuth } from "../../connections/integration-client.ts";
import { toUpstreamError, UpstreamError } from "../../connections/upstream-error.ts";
import { type UpstreamNetwork, upstreamRequestOptions } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { Connection, type ConnectionStatus, IntegrationCredential } from "../../db/entities/index.ts";
import { recordEvent } from "../record-event.ts";
import { openAccessToken, openRefreshToken, sealTokenResponse } from "./connection-tokens.ts";
import { isRefreshDue } from "./refresh-timing.ts";

/** What one refresh attempt came to. Tokens appear only in `accessToken`, for the caller that asked. */
export type RefreshOutcome =
  /** Not due (another caller refreshed it while this one waited for the lock): the stored token. */
  | { readonly kind: "valid"; readonly accessToken: string; readonly expiresAt: Date | null }
  | { readonly kind: "refreshed"; readonly accessToken: string; readonly expiresAt: Date | null }
  /** The upstream refused the grant (invalid_grant): the row is now `needs_reauth`. */
  | { readonly kind: "needs_reauth"; readonly error: UpstreamError }
  /** Anything else (unreachable, HTML, 5xx, another OAuth error): recorded on the row, which stays active. */
  | {
      readonly kind: "failed";
      readonly error: UpstreamError;
      /** The stored token while it has not expired yet, so a transient failure does not cut a caller off early. */
      readonly stillValid: { readonly accessToken: string; readonly expiresAt: Date | null } | null;
    }
  /** No such connection, or it is not active. */
  | { readonly kind: "unavailable"; readonly status: ConnectionStatus | "not_found" }
  /** `skipLocked` only: another caller holds the row now. */
  | { readonly kind: "busy" };

export type RefreshOptions = {
  /** Skip a row another transaction holds rather than wait for it (the background job). */
  readonly skipLocked?: boolean;
  /** Refresh when it is due within this long of `now` (the background job looks one run ahead). */
  readonly withinMs?: number;
};

/**
 * Refreshes a user connection's access token (RFC 6749 §6) under a row lock (`SELECT … FOR UPDATE`), deciding again
 * once the lock is held, so two processes never both spend one refresh token: the second finds it fresh and returns
 * it. A rotated refresh token replaces the stored one; an answer without one keeps it.
 *
 * `invalid_grant` (§5.2: the refresh token is revoked or expired) marks the row `needs_reauth`, drops its tokens and
 * records `connection.needs_reauth`, committed with the change; other failures are recorded in `error` and the row
 * stays active for a later attempt. The upstream is called inside the transaction: the lock must cover it.
 */
export async function refreshConnection(
  em: EntityManager,
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  connectionId: string,
  now: Date,
  options: RefreshOptions = {},
): Promise<RefreshOutcome> {
  return em.transactional(async (tx): Promise<RefreshOutcome> => {
    const row = await tx.findOne(
      Connection,
      { id: connectionId },
      { lockMode: options.skipLocked ? LockMode.PESSIMISTIC_PARTIAL_WRITE : LockMode.PESSIMISTIC_WRITE },
    );
    if (!row) return options.skipLocked ? { kind: "busy" } : { kind: "unavailable", status: "not_found" };
    if (row.status !== "active" || !row.accessTokenEncrypted) {
      return { kind: "unavailable", status: row.status === "active" ? "needs_reauth" : row.status };
    }
    const current = { accessToken: openAccessToken(keyring, row)!, expiresAt: row.expiresAt ?? null };
    if (!isRefreshDue(row, now, options.withinMs)) return { kind: "valid", ...current };
    const unexpired = !row.expiresAt || row.expiresAt.getTime() > now.getTime();
    const integration = await tx.findOneOrFail(IntegrationCredential, { id: row.integration.id });
    const refreshToken = openRefreshToken(keyring, row);
    if (!refreshToken) {
      if (unexpired) return { kind: "valid", ...current };
      return markNeedsReauth(
        tx,
        row,
        integration,
        new UpstreamError("upstream_error", "the access token expired and the upstream issued no refresh token", {
          upstreamError: "invalid_grant",
        }),
        now,
      );
    }
    let tokens: oauth.TokenEndpointResponse;
    try {
      tokens = await requestRefresh(keyring, network, integration, refreshToken);
    } catch (error) {
      const failure = toUpstreamError(error, "refresh");
      if (failure.upstreamError === "invalid_grant") return markNeedsReauth(tx, row, integration, failure, now);
      row.error = describe(failure);
      row.updatedAt = now;
      return { kind: "failed", error: failure, stillValid: unexpired ? current : null };
    }
    tx.assign(row, {
      ...sealTokenResponse(keyring, row.id, tokens, now, {
        refreshTokenEncrypted: row.refreshTokenEncrypted ?? null,
        scopes: row.scopes,
      }),
      lastRefreshedAt: now,
      error: null,
      updatedAt: now,
    });
    return { kind: "refreshed", accessToken: tokens.access_token, expiresAt: row.expiresAt ?? null };
  });
}

async function requestRefresh(
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  integration: IntegrationCredential,
  refreshToken: string,
): Promise<oauth.TokenEndpointResponse> {
  const upstream = integrationClient(integration);
  const response = await oauth.refreshTokenGrantRequest(
    upstream.as,
    upstream.client,
    integrationClientAuth(keyring, integration),
    refreshToken,
    upstreamRequestOptions(integration.tokenUrl, network),
  );
  return oauth.processRefreshTokenResponse(upstream.as, upstream.client, response);
}

function markNeedsReauth(
  tx: EntityManager,
  row: Connection,
  integration: IntegrationCredential,
  failure: UpstreamError,
  now: Date,
): RefreshOutcome {
  tx.assign(row, {
    status: "needs_reauth",
    accessTokenEncrypted: null,
    refreshTokenEncrypted: null,
    error: describe(failure),
    updatedAt: now,
  });
  recordEvent(
    tx,
    {
      type: "connection.needs_reauth",
      organizationId: integration.organization.id,
      subjectType: "connection",
      subjectId: row.id,
      actor: { type: "system" },
      payload: {
        connectionId: row.id,
        integrationId: integration.id,
        userId: row.user?.id ?? null,
        reason: "invalid_grant",
      },
    },
    now,
  );
  return { kind: "needs_reauth", error: failure };
}

/** The row's `error`: the upstream's code and our description of it, never a token. */
function describe(failure: UpstreamError): string {
  return `${failure.upstreamError ?? failure.code}: ${failure.message}`.slice(0, 500);
}
