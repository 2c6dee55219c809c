import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message the loopback SMTP server received, with its MIME parts decoded. */
export type CapturedMail = {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly raw: string;
};

export type SmtpCapture = {
  /** `smtp://user:pass@127.0.0.1:<port>`, for LATCH_SMTP_URL. */
  readonly url: string;
  readonly messages: CapturedMail[];
  /** The first message to `to` received after `since` messages, waiting for it up to `timeoutMs`. */
  waitFor(to: string, options?: { since?: number; timeoutMs?: number }): Promise<CapturedMail>;
  close(): Promise<void>;
};

/**
 * A real SMTP server (the `smtp-server` package) on loopback that keeps every message it accepts, so tests read
 * the links Latch mails the way a person would. Plain SMTP with AUTH allowed over the unencrypted loopback.
 */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          subject: header(raw, "subject"),
          text: part(raw, "text/plain"),
          html: part(raw, "text/html"),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://latch:secret@127.0.0.1:${port}`,
    messages,
    async waitFor(to, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 5000);
      for (;;) {
        const found = messages.slice(options.since ?? 0).find((message) => message.to.includes(to));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} arrived`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a captured message's text part that starts with `prefix` (e.g. the server's URL + a path). */
export function linkIn(mail: CapturedMail, prefix: string): string {
  const link = (mail.text.match(/https?:\/\/\S+/g) ?? []).find((url) => url.startsWith(prefix));
  if (!link) throw new Error(`no link to ${prefix} in "${mail.subject}"`);
  return link;
}

function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? "";
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  return unfolded.match(new RegExp(`^${name}:\\s*(.*)$`, "im"))?.[1]?.trim() ?? "";
}

/** The decoded body of the first MIME part of `type` (quoted-printable, base64 or 7bit). */
function part(raw: string, type: string): string {
  for (const section of raw.split(/\r?\n--[^\r\n]+\r?\n/)) {
    const [head = "", ...rest] = section.split(/\r?\n\r?\n/);
    if (!new RegExp(`content-type:\\s*${type}`, "i").test(head)) continue;
    const body = rest.join("\r\n\r\n").replace(/\r?\n--[^\r\n]+--\s*$/, "");
    const encoding = head.match(/content-transfer-encoding:\s*(\S+)/i)?.[1]?.toLowerCase();
    if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
    return body;
  }
  return "";
}

function decodeQuotedPrintable(body: string): string {
  const text = body.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}
