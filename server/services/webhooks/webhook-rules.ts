import { openString } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { webhookSecretAad } from "../../crypto/secret-aad.ts";
import type { Webhook } from "../../db/entities/index.ts";
import { ValidationError } from "../errors.ts";
import { ALL_WEBHOOK_EVENTS, isWebhookEventType, WEBHOOK_EVENT_TYPES } from "./event-types.ts";

/** How long the secret a rotation replaces keeps signing deliveries, so receivers can roll over without a gap. */
export const PREVIOUS_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;
const MAX_URL_LENGTH = 2048;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Where deliveries go: https, or plain http on loopback when `allowLoopbackHttp` (development only: a receiver
 * on the same machine). No credentials in the URL, no fragment.
 */
export function checkWebhookUrl(value: string, allowLoopbackHttp: boolean): string {
  const raw = value.trim();
  if (raw.length > MAX_URL_LENGTH) throw new ValidationError("url", `url must be at most ${MAX_URL_LENGTH} characters`);
  if (!URL.canParse(raw)) throw new ValidationError("url", "url must be an absolute https URL");
  const url = new URL(raw);
  const loopbackHttp = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !(allowLoopbackHttp && loopbackHttp)) {
    throw new ValidationError(
      "url",
      allowLoopbackHttp ? "url must use https (or http on localhost)" : "url must use https",
    );
  }
  if (url.username || url.password) throw new ValidationError("url", "url must not contain credentials");
  if (url.hash) throw new ValidationError("url", "url must not have a fragment");
  return raw;
}

/** Subscribed event types: known ones, or `*` alone for all of them. */
export function checkEvents(values: readonly string[]): string[] {
  if (values.length === 0) throw new ValidationError("events", "events must name at least one event type, or *");
  if (values.includes(ALL_WEBHOOK_EVENTS)) return [ALL_WEBHOOK_EVENTS];
  const unknown = values.find((value) => !isWebhookEventType(value));
  if (unknown !== undefined) {
    throw new ValidationError(
      "events",
      `unknown event type ${JSON.stringify(unknown)}; expected * or one of ${WEBHOOK_EVENT_TYPES.join(", ")}`,
    );
  }
  return [...new Set(values)];
}

export function checkDescription(value: string | null | undefined): string | null {
  const description = value?.trim() ?? "";
  if (description === "") return null;
  if (description.length > 500) throw new ValidationError("description", "description must be at most 500 characters");
  return description;
}

/** The URL as an Event payload shows it: scheme and host only, since paths and queries often carry tokens. */
export function urlOrigin(url: string): string {
  return new URL(url).origin;
}

/**
 * The secrets that sign a delivery at `now`, newest first: the current one, and the previous one until its overlap
 * ends (Standard Webhooks receivers accept any of the signatures sent).
 */
export function webhookSigningSecrets(
  keyring: MasterKeyring,
  webhook: Pick<Webhook, "id" | "secretEncrypted" | "previousSecretEncrypted" | "previousSecretExpiresAt">,
  now: Date,
): string[] {
  const aad = webhookSecretAad(webhook.id);
  const secrets = [openString(keyring, webhook.secretEncrypted, aad)];
  if (webhook.previousSecretEncrypted && webhook.previousSecretExpiresAt && webhook.previousSecretExpiresAt > now) {
    secrets.push(openString(keyring, webhook.previousSecretEncrypted, aad));
  }
  return secrets;
}
