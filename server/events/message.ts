/** An Event row as the worker reads it. */
export type OutboxEvent = {
  readonly id: string;
  readonly type: string;
  readonly organizationId: string | null;
  readonly applicationId: string | null;
  readonly subjectType: string;
  readonly subjectId: string | null;
  readonly actorType: string;
  readonly actorId: string | null;
  readonly payload: Record<string, unknown>;
  readonly createdAt: Date;
};

/**
 * The Standard Webhooks message of an event: `{type, timestamp, data}`, where `data` is the event's payload plus
 * the organization, app, subject and actor it concerns. Its id (the `webhook-id` header) is the event id, the same
 * on every attempt and for every endpoint, so receivers can deduplicate.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#payload-structure
 */
export function webhookMessage(event: OutboxEvent): { readonly id: string; readonly body: string } {
  return {
    id: event.id,
    body: JSON.stringify({
      type: event.type,
      timestamp: event.createdAt.toISOString(),
      data: {
        ...event.payload,
        organizationId: event.organizationId,
        applicationId: event.applicationId,
        subject: { type: event.subjectType, id: event.subjectId },
        actor: { type: event.actorType, id: event.actorId },
      },
    }),
  };
}
