import type { Config } from "../../config.ts";
import type { Logger } from "../../logger.ts";
import type { Mailer } from "./mailer.ts";
import { createOutboxMailer, createUnconfiguredMailer } from "./outbox-mailer.ts";
import { createSmtpMailer } from "./smtp-mailer.ts";

/**
 * The process's mailer, from the configuration: SMTP when `LATCH_SMTP_URL` is set; otherwise the development outbox
 * (the log and `/dev/mail`), or in production a mailer that only warns.
 */
export function createMailer(config: Config, logger: Logger): Mailer {
  if (config.smtpUrl) return createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom, logger });
  if (config.production) return createUnconfiguredMailer(logger);
  return createOutboxMailer({ logger, publicUrl: config.publicUrl });
}
