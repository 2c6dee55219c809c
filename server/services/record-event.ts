import type { EntityManager } from "@mikro-orm/postgresql";
import { Event } from "../db/entities/index.ts";

export type ActorType = "user" | "api_key" | "system" | "client";

export type EventInput = {
  readonly type: string;
  readonly organizationId?: string | null;
  readonly applicationId?: string | null;
  readonly subjectType: string;
  readonly subjectId?: string | null;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
  /** Ids, names and actors only: never a secret or a token. */
  readonly payload?: Record<string, unknown>;
};

/**
 * Adds an Event (outbox row and audit entry) to the unit of work, so it commits in the same transaction as the
 * change it describes or not at all.
 */
export function recordEvent(em: EntityManager, input: EventInput, now: Date): Event {
  return em.create(Event, {
    type: input.type,
    organizationId: input.organizationId ?? null,
    applicationId: input.applicationId ?? null,
    subjectType: input.subjectType,
    subjectId: input.subjectId ?? null,
    actorType: input.actor.type,
    actorId: input.actor.id ?? null,
    payload: input.payload ?? {},
    createdAt: now,
  });
}
