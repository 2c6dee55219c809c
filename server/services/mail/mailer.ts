/** One message Latch sends: plain text and HTML, to one address. */
export type MailMessage = {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** What kind of message it is (`verify_email`, `reset_password`, …), for the log line; never a secret. */
  readonly kind: string;
};

/** A message kept by the development outbox, with when it was "sent". */
export type OutboxMessage = MailMessage & { readonly id: number; readonly sentAt: Date };

/**
 * Sends mail. Built once at start-up ({@link import("./create-mailer.ts").createMailer}) and handed to the faces,
 * which pass it to the services that send: never found through a global.
 */
export type Mailer = {
  /** Sends `message`; rejects when the transport refuses it. */
  send(message: MailMessage): Promise<void>;
  /** The development outbox's recent messages, newest first; absent when mail really goes out. */
  readonly outbox?: { list(): readonly OutboxMessage[] };
  close(): Promise<void>;
};
