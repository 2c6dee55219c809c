import { defineEntity, p } from "@mikro-orm/postgresql";

export const eventActorTypes = ["user", "api_key", "system", "client"] as const;
export type EventActorType = (typeof eventActorTypes)[number];

/**
 * The outbox and audit trail, written in the same transaction as the change it describes. It holds plain ids, no
 * foreign keys, so the record of a change survives the deletion of what it describes.
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
  },
  indexes: [{ properties: ["organizationId", "createdAt"] }, { properties: ["applicationId", "createdAt"] }],
});

export class Event extends EventSchema.class {}
EventSchema.setClass(Event);
