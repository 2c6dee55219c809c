import type { EntityManager } from "@mikro-orm/postgresql";
import type { Event, Webhook } from "../../db/entities/index.ts";
import type { EventType } from "../event-types.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

/**
 * The Event of a change to (or a message about) a webhook, in the caller's transaction: its organization and app,
 * the webhook as subject, and a payload that names the webhook and its app, then `extra`. Never its secret.
 */
export function recordWebhookEvent(
  tx: EntityManager,
  type: EventType,
  webhook: Pick<Webhook, "id"> & { readonly application?: { readonly id: string } | null },
  input: { readonly organizationId: string; readonly actor: { readonly type: ActorType; readonly id?: string | null } },
  extra: Record<string, unknown>,
  now: Date,
): Event {
  const applicationId = webhook.application?.id ?? null;
  return recordEvent(
    tx,
    {
      type,
      organizationId: input.organizationId,
      applicationId,
      subjectType: "webhook",
      subjectId: webhook.id,
      actor: input.actor,
      payload: { webhookId: webhook.id, applicationId, ...extra },
    },
    now,
  );
}
