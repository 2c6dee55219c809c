import { Webhook as StandardWebhook } from "standardwebhooks";

/** The three Standard Webhooks headers of one delivery attempt. */
export type SignatureHeaders = {
  readonly "webhook-id": string;
  readonly "webhook-timestamp": string;
  readonly "webhook-signature": string;
};

/**
 * Signs a message the Standard Webhooks way (HMAC-SHA256 over `id.timestamp.body`, `v1,<base64>`), once per secret,
 * space-separated: during a secret rotation's overlap both the new and the previous secret sign, and a receiver that
 * holds either accepts the message. `id` stays the same on every attempt so receivers can deduplicate; the timestamp
 * is the attempt's, so retries are not refused as replays.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 */
export function signMessage(
  secrets: readonly string[],
  message: { readonly id: string; readonly body: string },
  timestamp: Date,
): SignatureHeaders {
  if (secrets.length === 0) throw new Error("a webhook message needs at least one signing secret");
  return {
    "webhook-id": message.id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": secrets
      .map((secret) => new StandardWebhook(secret).sign(message.id, timestamp, message.body))
      .join(" "),
  };
}
