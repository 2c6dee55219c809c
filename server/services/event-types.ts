import {
  APPLICATION_GRANTS_REVOKED_EVENT,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_REDELIVERY_EVENT,
  WEBHOOK_TEST_EVENT,
} from "./webhooks/event-types.ts";

/**
 * Events that are only audit entries: configuration of the control plane and security signals an organization's
 * admins read in the audit log, never delivered to webhooks.
 */
export const AUDIT_EVENT_TYPES = [
  "api_key.created",
  "api_key.revoked",
  "organization.created",
  "organization.updated",
  "organization.deleted",
  "membership.added",
  "membership.removed",
  "membership.role_changed",
  "invitation.created",
  "invitation.resent",
  "invitation.accepted",
  "invitation.revoked",
  "identity_provider.created",
  "identity_provider.updated",
  "identity_provider.deleted",
  "integration.created",
  "integration.updated",
  "integration.deleted",
  "integration.service_token_failed",
  "scope.created",
  "scope.updated",
  "scope.deleted",
  "signing_key.created",
  "signing_key.rotated",
  "webhook.created",
  "webhook.updated",
  "webhook.deleted",
  "webhook.secret_rotated",
  "user.signed_out",
  "user.password_changed",
  "user.mfa_failed",
  "token.code_replayed",
  "upstream.callback_rejected",
  "connection.connected",
  "connection.disconnected",
  "connection.failed",
] as const;

/**
 * Every type of Event the server writes: the catalogue the ORM and SQL writers (`record-event.ts`) are typed by,
 * so an Event of a type nobody listed cannot be written. Payloads are documented in server/events/README.md.
 */
export const EVENT_TYPES = [
  ...WEBHOOK_EVENT_TYPES,
  ...AUDIT_EVENT_TYPES,
  WEBHOOK_TEST_EVENT,
  WEBHOOK_REDELIVERY_EVENT,
  APPLICATION_GRANTS_REVOKED_EVENT,
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
