import type { EntityManager } from "@mikro-orm/postgresql";
import type { EventType } from "../event-types.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

/**
 * The Event of a change to one of an app's identity providers, in the caller's transaction: the provider as subject, a
 * payload that names it and its app, then `extra` (its kind, name, what changed). Never its client secret.
 */
export function recordIdentityProviderEvent(
  tx: EntityManager,
  type: EventType,
  provider: { readonly id: string; readonly applicationId: string },
  input: { readonly organizationId: string; readonly actor: { readonly type: ActorType; readonly id?: string | null } },
  extra: Record<string, unknown>,
  now: Date,
): void {
  recordEvent(
    tx,
    {
      type,
      organizationId: input.organizationId,
      applicationId: provider.applicationId,
      subjectType: "identity_provider",
      subjectId: provider.id,
      actor: input.actor,
      payload: { applicationId: provider.applicationId, identityProviderId: provider.id, ...extra },
    },
    now,
  );
}
