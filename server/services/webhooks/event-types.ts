/**
 * The event types a webhook may subscribe to: the Events the server writes that concern an integrator. Audit-only
 * events (API keys, memberships, provider and webhook configuration) are not delivered.
 */
export const WEBHOOK_EVENT_TYPES = [
  "application.created",
  "application.updated",
  "application.deleted",
  "application.disabled",
  "client_secret.created",
  "client_secret.rotated",
  "client_secret.revoked",
  "client_secret.expiring",
  "redirect_uri.added",
  "redirect_uri.removed",
  "grant.created",
  "grant.revoked",
  "token.refresh_reuse_detected",
  "user.created",
  "user.signed_in",
  "user.login_failed",
  "user.updated",
  "user.deleted",
  "user.disconnected",
  "connection.needs_reauth",
  "webhook.disabled",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Subscribes a webhook to every type above, including those added later. */
export const ALL_WEBHOOK_EVENTS = "*";

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** Whether a webhook subscribed to `subscribed` wants an event of `type`. */
export function webhookWants(subscribed: readonly string[], type: string): boolean {
  return subscribed.includes(ALL_WEBHOOK_EVENTS) || subscribed.includes(type);
}
