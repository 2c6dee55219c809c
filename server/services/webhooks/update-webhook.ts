import type { EntityManager } from "@mikro-orm/postgresql";
import { Webhook } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";
import { checkAuthIntegration } from "./auth-integration.ts";
import { recordWebhookEvent } from "./webhook-event.ts";
import { checkDescription, checkEvents, checkWebhookUrl, urlOrigin } from "./webhook-rules.ts";

/** Absent means unchanged; a null description clears it. The app a webhook belongs to cannot change. */
export type WebhookChanges = {
  readonly url?: string;
  readonly description?: string | null;
  readonly events?: readonly string[];
  readonly active?: boolean;
  /** A client_credentials or password integration of the organization; null stops sending a bearer token. */
  readonly authIntegrationId?: string | null;
};

/**
 * Changes a webhook in place. Re-activating one (after the delivery worker disabled it, say) clears its failure
 * count, so it gets a full run of retries again.
 */
export async function updateWebhook(
  em: EntityManager,
  input: {
    readonly webhookId: string;
    readonly organizationId: string;
    readonly changes: WebhookChanges;
    readonly allowLoopbackHttp: boolean;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<Webhook> {
  const { changes } = input;
  const next: Partial<Record<keyof Webhook, unknown>> = {};
  if (changes.url !== undefined) next.url = checkWebhookUrl(changes.url, input.allowLoopbackHttp);
  if (changes.description !== undefined) next.description = checkDescription(changes.description);
  if (changes.events !== undefined) next.events = checkEvents(changes.events);
  if (changes.active !== undefined) next.active = changes.active;
  return em.transactional(async (tx) => {
    const webhook = await tx.findOne(Webhook, { id: input.webhookId, organization: input.organizationId });
    if (!webhook) throw new NotFoundError("Webhook");
    if (changes.authIntegrationId !== undefined) {
      const integration = await checkAuthIntegration(tx, input.organizationId, changes.authIntegrationId);
      next.authIntegration = integration;
    }
    const changed = Object.keys(next).filter((key) =>
      key === "authIntegration"
        ? (changes.authIntegrationId ?? null) !== (webhook.authIntegration?.id ?? null)
        : JSON.stringify(next[key as keyof Webhook] ?? null) !== JSON.stringify(webhook[key as keyof Webhook] ?? null),
    );
    if (changed.length === 0) return webhook;
    const reactivated = next.active === true && !webhook.active;
    tx.assign(webhook, {
      ...next,
      ...(reactivated ? { consecutiveFailures: 0, disabledAt: null } : {}),
      updatedAt: now,
    } as Partial<Webhook>);
    recordWebhookEvent(
      tx,
      "webhook.updated",
      webhook,
      input,
      {
        origin: urlOrigin(webhook.url),
        events: webhook.events,
        active: webhook.active,
        authIntegrationId: webhook.authIntegration?.id ?? null,
        changed,
      },
      now,
    );
    return webhook;
  });
}
