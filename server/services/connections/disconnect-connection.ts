import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { UpstreamNetwork } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { Connection, IntegrationCredential } from "../../db/entities/index.ts";
import type { Logger } from "../../logger.ts";
import { isUuid } from "../../uuid.ts";
import { NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { revokeConnectionUpstream, type UpstreamRevocation } from "./revoke-upstream.ts";

export type DisconnectConnectionInput = {
  readonly connectionId: string;
  /** The organization the caller acts in: a connection of another organization's integration is not found. */
  readonly organizationId: string;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

export type DisconnectedConnection = {
  readonly connectionId: string;
  readonly integrationId: string;
  readonly status: "revoked";
  readonly upstreamRevocation: UpstreamRevocation;
};

/**
 * Disconnects a connection: revokes its tokens at the integration's revocation endpoint when one is set (RFC 7009
 * §2.1: the refresh token first, which per §2.1 may take the access tokens of its grant with it, then the access
 * token), then marks the row `revoked`, drops its sealed tokens and records `connection.disconnected`, in one
 * transaction holding the row lock (so a refresh cannot write new tokens back). A revocation the upstream refuses or
 * never answers is logged and reported in the Event, never fatal: the tokens are forgotten here either way.
 * Disconnecting a revoked connection again changes nothing and records nothing.
 *
 * Throws NotFoundError when the connection does not exist or belongs to another organization.
 */
export async function disconnectConnection(
  em: EntityManager,
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  input: DisconnectConnectionInput,
  now: Date,
  options: { readonly logger?: Logger } = {},
): Promise<DisconnectedConnection> {
  if (!isUuid(input.connectionId)) throw new NotFoundError("connection");
  return em.transactional(async (tx) => {
    const row = await tx.findOne(Connection, { id: input.connectionId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const integration = row ? await tx.findOne(IntegrationCredential, { id: row.integration.id }) : null;
    if (!row || !integration || integration.organization.id !== input.organizationId) {
      throw new NotFoundError("connection");
    }
    if (row.status === "revoked") {
      return {
        connectionId: row.id,
        integrationId: integration.id,
        status: "revoked",
        upstreamRevocation: "not_supported",
      };
    }
    const upstreamRevocation = await revokeConnectionUpstream(keyring, network, integration, row, options.logger);
    tx.assign(row, {
      status: "revoked",
      accessTokenEncrypted: null,
      refreshTokenEncrypted: null,
      error: null,
      updatedAt: now,
    });
    recordEvent(
      tx,
      {
        type: "connection.disconnected",
        organizationId: integration.organization.id,
        subjectType: "connection",
        subjectId: row.id,
        actor: input.actor,
        payload: {
          connectionId: row.id,
          integrationId: integration.id,
          userId: row.user?.id ?? null,
          upstreamRevocation,
        },
      },
      now,
    );
    return { connectionId: row.id, integrationId: integration.id, status: "revoked" as const, upstreamRevocation };
  });
}
