import type { Logger } from "../../logger.ts";
import type { Mailer, OutboxMessage } from "./mailer.ts";

/** How many messages the development outbox keeps. */
export const OUTBOX_SIZE = 50;

/**
 * The development mailer, used when no SMTP server is configured outside production: each message is kept in memory
 * (the newest {@link OUTBOX_SIZE}) for the `/dev/mail` page, and the log says one was sent and where to read it. The
 * log line carries neither the body nor its link, so a link's token never reaches the logs.
 */
export function createOutboxMailer(options: { readonly logger: Logger; readonly publicUrl: string }): Mailer {
  const messages: OutboxMessage[] = [];
  let next = 1;
  return {
    async send(message) {
      messages.unshift({ ...message, id: next++, sentAt: new Date() });
      messages.length = Math.min(messages.length, OUTBOX_SIZE);
      options.logger.info(
        { mail: message.kind, to: message.to, subject: message.subject },
        `mail kept in the development outbox: read it at ${options.publicUrl}/dev/mail`,
      );
    },
    outbox: { list: () => [...messages] },
    async close() {},
  };
}

/** The production mailer when no SMTP server is configured: nothing can be delivered, and each message says so. */
export function createUnconfiguredMailer(logger: Logger): Mailer {
  return {
    async send(message) {
      logger.warn({ mail: message.kind, to: message.to }, "mail not sent: LATCH_SMTP_URL is not set");
    },
    async close() {},
  };
}
