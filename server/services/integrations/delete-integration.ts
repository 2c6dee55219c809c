import type { EntityManager } from "@mikro-orm/postgresql";
import { IntegrationCredential } from "../../db/entities/index.ts";
import type { ActorType } from "../record-event.ts";
import { recordIntegrationEvent } from "./integration-event.ts";
import { findIntegration } from "./integration-rules.ts";

/**
 * Removes an integration with its stored connections and pending flows (the foreign keys cascade); webhooks that
 * authenticated their deliveries with it go back to signatures alone. Tokens are dropped, not revoked upstream:
 * disconnect the connections first where the upstream should forget them.
 */
export async function deleteIntegration(
  em: EntityManager,
  input: {
    readonly integrationId: string;
    readonly organizationId: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<void> {
  await em.fork().transactional(async (tx) => {
    const integration = await findIntegration(tx, input.integrationId, input.organizationId);
    recordIntegrationEvent(tx, "integration.deleted", integration, input.actor, {}, now);
    await tx.nativeDelete(IntegrationCredential, { id: integration.id });
  });
}
