import type { EntityManager } from "@mikro-orm/postgresql";
import * as oauth from "oauth4webapi";
import { upstreamCallbackUrl } from "../../connections/callback-url.ts";
import { integrationClient, integrationClientAuth, withResponseIssuer } from "../../connections/integration-client.ts";
import { toUpstreamError } from "../../connections/upstream-error.ts";
import { type UpstreamNetwork, upstreamRequestOptions } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { Connection, IntegrationCredential } from "../../db/entities/index.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import type { TakenUpstreamFlow } from "../upstream-flows/take-upstream-flow.ts";
import { ConnectionFailure } from "./connection-failure.ts";
import { sealTokenResponse } from "./connection-tokens.ts";

export type CompleteConnectionInput = {
  /** The pending flow the callback's state named, already consumed. */
  readonly flow: TakenUpstreamFlow;
  /** The callback URL as the upstream sent it (query included), rebuilt on PUBLIC_URL. */
  readonly callbackUrl: URL;
  /** The user of the browser session the callback arrived in, or null when it has none. */
  readonly sessionUserId: string | null;
  readonly publicUrl: string;
};

export type CompletedConnection = {
  readonly connectionId: string;
  readonly integrationId: string;
  readonly organizationId: string;
  /** The integration's domain, to name it to the person. */
  readonly integrationDomain: string;
  /** Whether an existing connection (revoked or needing re-authorization) was renewed rather than created. */
  readonly reconnected: boolean;
};

/**
 * The callback half of a user connection: checks the callback belongs to the session's user, validates the
 * authorization response (RFC 6749 §4.1.2, §4.1.2.1; RFC 9207 `iss` when sent), redeems the code with the PKCE
 * verifier (§4.1.3, RFC 7636 §4.5) and stores the tokens sealed on the user's one Connection for the integration,
 * with `connection.connected`, in one transaction. A reconnect turns a `needs_reauth` or `revoked` row active again.
 *
 * Any failure throws a {@link ConnectionFailure} after recording `connection.failed` (reason code only); no
 * Connection row is written or changed then.
 */
export async function completeConnection(
  em: EntityManager,
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  input: CompleteConnectionInput,
  now: Date,
): Promise<CompletedConnection> {
  const { flow } = input;
  const integration = flow.integrationId ? await em.findOne(IntegrationCredential, { id: flow.integrationId }) : null;
  try {
    if (integration?.grantType !== "authorization_code") {
      throw new ConnectionFailure(
        "integration_unavailable",
        "the integration no longer exists or no longer connects users",
      );
    }
    if (!flow.userId || flow.userId !== input.sessionUserId) {
      throw new ConnectionFailure("wrong_user", "the callback arrived in a session of another user, or none");
    }
    const tokens = await redeemCode(keyring, network, integration, input);
    return await storeConnection(em, keyring, { integration, userId: flow.userId, tokens }, now);
  } catch (error) {
    const failure = toConnectionFailure(error);
    await recordConnectionFailed(em, { flow, integration, actorUserId: input.sessionUserId, failure }, now);
    throw failure;
  }
}

async function redeemCode(
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  integration: IntegrationCredential,
  input: CompleteConnectionInput,
): Promise<oauth.TokenEndpointResponse> {
  const upstream = integrationClient(integration);
  const as = withResponseIssuer(upstream, input.callbackUrl.searchParams);
  const state = input.callbackUrl.searchParams.get("state") ?? oauth.skipStateCheck;
  const params = (() => {
    try {
      return oauth.validateAuthResponse(as, upstream.client, input.callbackUrl, state);
    } catch (error) {
      throw toUpstreamError(error, "authorization response");
    }
  })();
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      upstream.client,
      integrationClientAuth(keyring, integration),
      params,
      upstreamCallbackUrl(input.publicUrl),
      input.flow.codeVerifier,
      upstreamRequestOptions(integration.tokenUrl, network),
    );
    return await oauth.processAuthorizationCodeResponse(as, upstream.client, response);
  } catch (error) {
    throw toUpstreamError(error, "token request");
  }
}

async function storeConnection(
  em: EntityManager,
  keyring: MasterKeyring,
  input: { integration: IntegrationCredential; userId: string; tokens: oauth.TokenEndpointResponse },
  now: Date,
): Promise<CompletedConnection> {
  const { integration, userId, tokens } = input;
  return em.transactional(async (tx) => {
    // No unique index on (integration, user): two callbacks racing for one user must not create two rows.
    await tx.execute("select pg_advisory_xact_lock(hashtextextended(?, 0))", [
      `latch:connection:${integration.id}:${userId}`,
    ]);
    const existing = await tx.findOne(Connection, { integration: integration.id, user: userId });
    const connectionId = existing?.id ?? crypto.randomUUID();
    // A fresh authorization: nothing of the previous one (a dead refresh token) is carried over.
    const sealed = sealTokenResponse(keyring, connectionId, tokens, now, {
      refreshTokenEncrypted: null,
      scopes: integration.scopes,
    });
    const fields = { ...sealed, status: "active" as const, lastRefreshedAt: now, error: null, updatedAt: now };
    if (existing) tx.assign(existing, fields);
    else tx.create(Connection, { id: connectionId, integration, user: userId, createdAt: now, ...fields });
    const organizationId = integration.organization.id;
    recordEvent(
      tx,
      {
        type: "connection.connected",
        organizationId,
        subjectType: "connection",
        subjectId: connectionId,
        actor: { type: "user", id: userId },
        payload: { connectionId, integrationId: integration.id, userId, reconnected: existing !== null },
      },
      now,
    );
    return {
      connectionId,
      integrationId: integration.id,
      organizationId,
      integrationDomain: integration.domain,
      reconnected: existing !== null,
    };
  });
}

function toConnectionFailure(error: unknown): ConnectionFailure {
  if (error instanceof ConnectionFailure) return error;
  const upstream = toUpstreamError(error, "connection");
  return new ConnectionFailure(upstream.code, upstream.message, {
    ...(upstream.upstreamError && { upstreamError: upstream.upstreamError }),
    cause: error,
  });
}

async function recordConnectionFailed(
  em: EntityManager,
  input: {
    flow: TakenUpstreamFlow;
    integration: IntegrationCredential | null;
    actorUserId: string | null;
    failure: ConnectionFailure;
  },
  now: Date,
): Promise<void> {
  await em.transactional(async (tx) => {
    const actor: { type: ActorType; id?: string } = input.actorUserId
      ? { type: "user", id: input.actorUserId }
      : { type: "system" };
    recordEvent(
      tx,
      {
        type: "connection.failed",
        organizationId: input.integration?.organization.id ?? null,
        subjectType: "integration",
        subjectId: input.flow.integrationId,
        actor,
        payload: {
          integrationId: input.flow.integrationId,
          userId: input.flow.userId,
          reason: input.failure.reason,
          // The upstream's own code, when it looks like one: its text is not ours to store verbatim.
          ...(input.failure.upstreamError &&
            /^[\w.-]{1,64}$/.test(input.failure.upstreamError) && { upstreamError: input.failure.upstreamError }),
        },
      },
      now,
    );
  });
}
