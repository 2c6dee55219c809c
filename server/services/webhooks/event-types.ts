/**
 * The event types a webhook may subscribe to: the Events the server writes that concern an integrator. Audit-only
 * events (API keys, memberships, provider and webhook configuration) are not delivered. Each type's payload is
 * documented in server/events/README.md; payloads carry ids, names and actors, never secrets or tokens.
 */
export const WEBHOOK_EVENT_TYPES = [
  "application.created",
  "application.updated",
  "application.deleted",
  "application.disabled",
  "application.enabled",
  "client_secret.created",
  "client_secret.rotated",
  "client_secret.revoked",
  "client_secret.expiring",
  "redirect_uri.added",
  "redirect_uri.removed",
  "grant.created",
  "grant.updated",
  "grant.revoked",
  "token.refresh_reuse_detected",
  "user.created",
  "user.signed_in",
  "user.login_failed",
  "user.updated",
  "user.deleted",
  "user.disconnected",
  "user.mfa_enrolled",
  "user.mfa_removed",
  "connection.needs_reauth",
  "webhook.disabled",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Subscribes a webhook to every type above, including those added later. */
export const ALL_WEBHOOK_EVENTS = "*";

/**
 * Sent by `sendTestWebhookEvent` to one webhook whatever it subscribes to; its Event (the audit entry of the request)
 * names the webhook as subject.
 */
export const WEBHOOK_TEST_EVENT = "webhook.test";

/**
 * The audit entry of `redeliverWebhookDelivery`; the dispatcher turns it into one more attempt of the original event
 * (payload `eventId`) to the webhook it names. Never delivered itself.
 */
export const WEBHOOK_REDELIVERY_EVENT = "webhook.redelivery_requested";

/**
 * The audit entry of revoking every grant of an app (payload `before`, `reason`, `count`); the dispatcher turns it
 * into the job that marks the grant rows still unmarked and writes their `grant.revoked` Events. Never delivered
 * itself: subscribers get one `grant.revoked` per grant.
 */
export const APPLICATION_GRANTS_REVOKED_EVENT = "application.grants_revoked";

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}
