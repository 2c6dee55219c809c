import type { OutboxMessage } from "../../services/mail/mailer.ts";
import { html, renderDocument } from "./html.ts";

/** The links a message's plain-text part spells out (the action of every account message). */
export function messageLinks(text: string): string[] {
  return [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
}

/** The development outbox (`/dev/mail`): the recent messages, newest first, each with its links and text. */
export function renderDevMailPage(input: { messages: readonly OutboxMessage[]; nonce: string }): string {
  const body = html`<div class="card wide">
  <header class="card-header">
    <h1>Development mail</h1>
    <p class="muted">Messages Latch would have sent, kept in memory until it restarts. Set LATCH_SMTP_URL to send real mail.</p>
  </header>
  ${
    input.messages.length === 0
      ? html`<p class="notice">No messages yet. Sign up or ask for a password reset, then reload this page.</p>`
      : html`<ol class="scopes" reversed>${input.messages.map(
          (message) => html`<li><div>
      <h2>${message.subject}</h2>
      <p class="muted small">To ${message.to} · ${message.sentAt.toISOString()}</p>
      ${messageLinks(message.text).map((link) => html`<p class="small"><a href="${link}">${link}</a></p>`)}
    </div></li>`,
        )}</ol>`
  }
</div>`;
  return renderDocument({ title: "Development mail", body, nonce: input.nonce });
}
