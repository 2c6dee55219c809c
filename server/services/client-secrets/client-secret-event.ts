import type { EntityManager } from "@mikro-orm/postgresql";
import type { EventType } from "../event-types.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

/**
 * The Event of a change to one of an app's client secrets, in the caller's transaction: the secret as subject, a
 * payload that names it and its app, then `extra` (its name, last four characters, dates). Never the secret.
 */
export function recordClientSecretEvent(
  tx: EntityManager,
  type: EventType,
  secret: { readonly id: string; readonly applicationId: string },
  input: { readonly organizationId: string; readonly actor: { readonly type: ActorType; readonly id?: string | null } },
  extra: Record<string, unknown>,
  now: Date,
): void {
  recordEvent(
    tx,
    {
      type,
      organizationId: input.organizationId,
      applicationId: secret.applicationId,
      subjectType: "client_secret",
      subjectId: secret.id,
      actor: input.actor,
      payload: { applicationId: secret.applicationId, clientSecretId: secret.id, ...extra },
    },
    now,
  );
}
