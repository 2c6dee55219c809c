import type { EntityManager } from "@mikro-orm/postgresql";
import type { IntegrationCredential } from "../../db/entities/index.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

export type IntegrationEventType = "integration.created" | "integration.updated" | "integration.deleted";

/**
 * The audit Event of a change to an integration, in the caller's transaction. Its payload names the integration
 * (ids, domain, client id, grant type, the secret's last four characters) and never holds the secret or password.
 */
export function recordIntegrationEvent(
  tx: EntityManager,
  type: IntegrationEventType,
  integration: IntegrationCredential,
  actor: { readonly type: ActorType; readonly id?: string | null },
  extra: Record<string, unknown>,
  now: Date,
): void {
  recordEvent(
    tx,
    {
      type,
      organizationId: integration.organization.id,
      subjectType: "integration",
      subjectId: integration.id,
      actor,
      payload: {
        integrationId: integration.id,
        domain: integration.domain,
        clientId: integration.clientId,
        grantType: integration.grantType,
        clientSecretLast4: integration.clientSecretLast4,
        ...extra,
      },
    },
    now,
  );
}
