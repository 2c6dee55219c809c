import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { UpstreamNetwork } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { Connection, IntegrationCredential } from "../../db/entities/index.ts";
import type { Logger } from "../../logger.ts";
import { revokeConnectionsUpstream, type UpstreamRevocationCounts } from "../connections/revoke-upstream.ts";
import type { ActorType } from "../record-event.ts";
import { recordIntegrationEvent } from "./integration-event.ts";
import { findIntegration } from "./integration-rules.ts";

/** What deleting an integration did to its connections' tokens at the upstream. */
export type DeletedIntegration = {
  readonly connections: number;
  readonly upstreamRevocation: UpstreamRevocationCounts;
};

/**
 * Removes an integration with its stored connections and pending flows (the foreign keys cascade); webhooks that
 * authenticated their deliveries with it go back to signatures alone. First the tokens of every connection not yet
 * revoked are revoked at the integration's revocation endpoint, when it has one (RFC 7009), a few at a time, with the
 * rows locked so a renewal cannot store new tokens meanwhile: deleting the credentials must not leave live tokens
 * upstream that nobody here can revoke any more. An upstream that refuses or does not answer is logged and counted in
 * the `integration.deleted` Event, never fatal.
 */
export async function deleteIntegration(
  em: EntityManager,
  keyring: MasterKeyring,
  network: UpstreamNetwork,
  input: {
    readonly integrationId: string;
    readonly organizationId: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
  options: { readonly logger?: Logger } = {},
): Promise<DeletedIntegration> {
  return em.transactional(async (tx) => {
    const integration = await findIntegration(tx, input.integrationId, input.organizationId);
    const live = await tx.find(
      Connection,
      { integration: integration.id, status: { $ne: "revoked" } },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { createdAt: "asc", id: "asc" } },
    );
    const upstreamRevocation = await revokeConnectionsUpstream(keyring, network, integration, live, options.logger);
    const deleted = { connections: live.length, upstreamRevocation };
    recordIntegrationEvent(tx, "integration.deleted", integration, input.actor, deleted, now);
    await tx.nativeDelete(IntegrationCredential, { id: integration.id });
    return deleted;
  });
}
