import type { EntityManager } from "@mikro-orm/postgresql";
import type { EventType } from "./event-types.ts";
import { type ActorType, recordEvent } from "./record-event.ts";

/** What an app owns that has Events of its own, and the payload key that names it. */
const ID_KEYS = { client_secret: "clientSecretId", identity_provider: "identityProviderId" } as const;

/**
 * The Event of a change to something an app owns (a client secret, an identity provider), in the caller's
 * transaction: that thing as subject, a payload that names it and its app, then `extra`. Never a secret.
 */
export function recordAppOwnedEvent(
  tx: EntityManager,
  type: EventType,
  subject: { readonly kind: keyof typeof ID_KEYS; readonly id: string; readonly applicationId: string },
  input: { readonly organizationId: string; readonly actor: { readonly type: ActorType; readonly id?: string | null } },
  extra: Record<string, unknown>,
  now: Date,
): void {
  recordEvent(
    tx,
    {
      type,
      organizationId: input.organizationId,
      applicationId: subject.applicationId,
      subjectType: subject.kind,
      subjectId: subject.id,
      actor: input.actor,
      payload: { applicationId: subject.applicationId, [ID_KEYS[subject.kind]]: subject.id, ...extra },
    },
    now,
  );
}
