import { defineEntity, p } from "@mikro-orm/postgresql";

export const eventActorTypes = ["user", "api_key", "system", "client"] as const;
export type EventActorType = (typeof eventActorTypes)[number];

/**
 * The outbox and audit trail, written in the same transaction as the change it describes. It holds plain ids, no
 * foreign keys, so the record of a change survives the deletion of what it describes. An insert notifies
 * `latch_events` at commit (a trigger of the migration that added `dispatched_at`), waking the webhook dispatcher.
 */
export const EventSchema = defineEntity({
  name: "Event",
  tableName: "events",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    type: p.text().index(),
    organizationId: p.uuid().nullable(),
    applicationId: p.uuid().nullable(),
    subjectType: p.text(),
    subjectId: p.text().nullable(),
    actorType: p.enum(eventActorTypes),
    actorId: p.text().nullable(),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /**
     * When the webhook dispatcher fanned the event out to delivery jobs (in the transaction that queued them);
     * null while it waits in the outbox. Events that no webhook receives are marked too.
     */
    dispatchedAt: p.datetime().nullable(),
  },
  indexes: [
    { properties: ["organizationId", "createdAt"] },
    { properties: ["applicationId", "createdAt"] },
    // Retention deletes by age across organizations.
    { properties: ["createdAt"] },
    // The outbox: only undispatched rows, so the dispatcher's scan stays small however long the audit trail grows.
    { name: "events_undispatched_index", properties: ["createdAt"], where: { dispatchedAt: null } },
  ],
});

export class Event extends EventSchema.class {}
EventSchema.setClass(Event);
