import nodemailer from "nodemailer";
import type { Logger } from "../../logger.ts";
import type { Mailer } from "./mailer.ts";

/** A mailer over SMTP (`smtp://` with STARTTLS when offered, `smtps://` for implicit TLS), one pooled transport. */
export function createSmtpMailer(options: {
  readonly url: string;
  readonly from: string;
  readonly logger: Logger;
}): Mailer {
  const url = new URL(options.url);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === "smtps:" ? 465 : 587,
    secure: url.protocol === "smtps:",
    ...(url.username && {
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    }),
    pool: true,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message) {
      await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
      options.logger.info({ mail: message.kind, to: message.to }, "mail sent");
    },
    async close() {
      transport.close();
    },
  };
}
