import type { MailMessage } from "./mailer.ts";

/** The pages' colors (server/http/pages/html.ts), inlined: mail clients ignore stylesheets. */
const COLORS = { accent: "#2563eb", text: "#111827", muted: "#4b5563", border: "#e5e7eb", background: "#f3f4f6" };

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeText = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

export type MessageContent = {
  readonly kind: string;
  readonly to: string;
  readonly subject: string;
  /** Paragraphs before the button, plain text. */
  readonly intro: readonly string[];
  /** The one thing to do: a button in HTML, the bare URL on its own line in the text part. */
  readonly action: { readonly label: string; readonly url: string };
  /** Paragraphs after it (how long the link lasts, what to do if it was not you). */
  readonly outro: readonly string[];
};

/**
 * A message in Latch's look: the card of the pages (white, accent border on top, system font) as inline-styled
 * HTML, and a plain-text part with the same words and the link spelled out. Every value is escaped.
 */
export function renderMessage(content: MessageContent): MailMessage {
  const paragraph = (text: string) =>
    `<p style="margin:0 0 16px;font-size:15px;line-height:1.5;color:${COLORS.text}">${escapeText(text)}</p>`;
  const small = (text: string) =>
    `<p style="margin:0 0 12px;font-size:13px;line-height:1.5;color:${COLORS.muted}">${escapeText(text)}</p>`;
  const url = escapeText(content.action.url);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeText(content.subject)}</title></head>
<body style="margin:0;padding:24px 12px;background:${COLORS.background};font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border:1px solid ${COLORS.border};border-top:4px solid ${COLORS.accent};border-radius:12px">
<tr><td style="padding:28px">
<p style="margin:0 0 20px;font-size:13px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:${COLORS.muted}">Latch</p>
<h1 style="margin:0 0 16px;font-size:20px;color:${COLORS.text}">${escapeText(content.subject)}</h1>
${content.intro.map(paragraph).join("\n")}
<p style="margin:24px 0"><a href="${url}" style="display:inline-block;padding:10px 18px;background:${COLORS.accent};color:#ffffff;border-radius:8px;text-decoration:none;font-weight:600">${escapeText(content.action.label)}</a></p>
${small("If the button does not work, copy this link into your browser:")}
<p style="margin:0 0 16px;font-size:13px;word-break:break-all"><a href="${url}" style="color:${COLORS.accent}">${url}</a></p>
${content.outro.map(small).join("\n")}
</td></tr></table>
</td></tr></table>
</body></html>`;
  const text = [
    content.subject,
    "",
    ...content.intro.flatMap((line) => [line, ""]),
    `${content.action.label}: ${content.action.url}`,
    "",
    ...content.outro.flatMap((line) => [line, ""]),
    "-- Latch",
  ].join("\n");
  return { kind: content.kind, to: content.to, subject: content.subject, text, html };
}
