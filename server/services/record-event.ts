import type { EntityManager } from "@mikro-orm/postgresql";
import type pg from "pg";
import { Event } from "../db/entities/index.ts";
import type { EventType } from "./event-types.ts";

export type ActorType = "user" | "api_key" | "system" | "client";

export type EventInput = {
  readonly type: EventType;
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

/**
 * The columns of an Event row, in the order {@link insertEvent} and the set-based writers (an
 * `insert into events (EVENT_COLUMNS) select ...` in one statement with the change) give them.
 */
export const EVENT_COLUMNS =
  "id, type, organization_id, application_id, subject_type, subject_id, actor_type, actor_id, payload, created_at";

/** {@link recordEvent} for a change made in plain SQL, in the caller's own pg transaction; returns the Event's id. */
export async function insertEvent(client: pg.ClientBase, input: EventInput, now: Date): Promise<string> {
  const id = crypto.randomUUID();
  await client.query(`insert into events (${EVENT_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
    id,
    input.type,
    input.organizationId ?? null,
    input.applicationId ?? null,
    input.subjectType,
    input.subjectId ?? null,
    input.actor.type,
    input.actor.id ?? null,
    JSON.stringify(input.payload ?? {}),
    now,
  ]);
  return id;
}
