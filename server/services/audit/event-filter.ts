import type { FilterQuery } from "@mikro-orm/postgresql";
import type { Event } from "../../db/entities/index.ts";
import { isUuid } from "../../uuid.ts";

export type EventFilter = {
  /** One event type, e.g. `grant.revoked`. */
  readonly type?: string | null;
  /** Any of these types. With `type` too, an event must match both. */
  readonly types?: readonly string[] | null;
  /** An application's row id (events outlive their app, so it need not exist any more). */
  readonly applicationId?: string | null;
  readonly subjectId?: string | null;
  readonly actorId?: string | null;
  /** Inclusive lower bound of createdAt. */
  readonly since?: Date | null;
  /** Exclusive upper bound of createdAt. */
  readonly until?: Date | null;
};

/**
 * The condition for reading one organization's audit trail. The organization is always part of it, so no filter
 * value reaches another organization's events (nor system events that belong to none).
 */
export function eventWhere(organizationId: string, filter: EventFilter = {}): FilterQuery<Event> {
  const conditions: Record<string, unknown>[] = [{ organizationId }];
  if (filter.type != null) conditions.push({ type: filter.type });
  if (filter.types != null) conditions.push({ type: { $in: [...filter.types] } });
  if (filter.applicationId != null) {
    // The column is a uuid: anything else matches nothing rather than failing the statement.
    conditions.push({ applicationId: isUuid(filter.applicationId) ? filter.applicationId : { $in: [] } });
  }
  if (filter.subjectId != null) conditions.push({ subjectId: filter.subjectId });
  if (filter.actorId != null) conditions.push({ actorId: filter.actorId });
  if (filter.since != null) conditions.push({ createdAt: { $gte: filter.since } });
  if (filter.until != null) conditions.push({ createdAt: { $lt: filter.until } });
  return { $and: conditions } as FilterQuery<Event>;
}
