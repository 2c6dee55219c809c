import type { SessionView } from "../../services/sessions/list-sessions.ts";
import { renderAccountPage } from "./account-page.ts";
import { html, type RawHtml } from "./html.ts";

export type AccountSessionsPageInput = {
  readonly user: { readonly displayName: string; readonly email: string };
  readonly sessions: readonly SessionView[];
  readonly notice?: string;
  readonly csrfToken: string;
  readonly nonce: string;
};

const WHEN = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

const METHODS: Record<string, string> = {
  password: "password",
  upstream: "another provider",
  passkey: "a passkey",
  synced_passkey: "a passkey",
};
const SECOND_FACTORS: Record<string, string> = {
  totp: "an authenticator app",
  recovery_code: "a recovery code",
  passkey: "a passkey",
  synced_passkey: "a passkey",
};

function renderSession(session: SessionView, csrfToken: string): RawHtml {
  const second = session.secondFactor ? SECOND_FACTORS[session.secondFactor] : undefined;
  const method = `${METHODS[session.authMethod] ?? session.authMethod}${second ? ` and ${second}` : ""}`;
  return html`<li class="session">
      <div class="session-body">
        <h3>${session.device}${session.current ? html`<span class="tag">This session</span>` : null}</h3>
        <p class="app-meta">${session.ipAddress ?? "Unknown address"} · Signed in with ${method} <time datetime="${session.signedInAt.toISOString()}">${WHEN.format(session.signedInAt)} UTC</time></p>
        <p class="app-meta">Last seen <time datetime="${session.lastSeenAt.toISOString()}">${WHEN.format(session.lastSeenAt)} UTC</time></p>
      </div>
      ${
        session.current
          ? null
          : html`<form method="post" action="/account/sessions/${encodeURIComponent(session.id)}/end">
        <input type="hidden" name="csrf_token" value="${csrfToken}">
        <button class="button danger" type="submit" aria-label="Sign out ${session.device}, last seen ${WHEN.format(session.lastSeenAt)} UTC">Sign out</button>
      </form>`
      }
    </li>`;
}

/** "Sessions": every browser signed in to the account, this one first and marked, each other with a Sign out button. */
export function renderAccountSessionsPage(input: AccountSessionsPageInput): string {
  const others = input.sessions.filter((session) => !session.current).length;
  return renderAccountPage({
    title: "Sessions",
    intro: "The browsers and devices signed in to your account.",
    active: "sessions",
    user: input.user,
    ...(input.notice && { notice: input.notice }),
    csrfToken: input.csrfToken,
    nonce: input.nonce,
    sections: [
      {
        id: "sessions",
        heading: `Signed in (${input.sessions.length})`,
        content: html`<ul class="sessions">${input.sessions.map((session) => renderSession(session, input.csrfToken))}</ul>`,
      },
      ...(others > 0
        ? [
            {
              id: "others",
              heading: "Other sessions",
              intro: `Sign out the ${others === 1 ? "other session" : `${others} other sessions`}; this browser stays signed in.`,
              form: {
                action: "/account/sessions/end-others",
                submitLabel: "Sign out of all other sessions",
                fields: [],
                danger: true,
              },
            },
          ]
        : []),
      {
        id: "everywhere",
        heading: "Everywhere",
        intro: "Sign out of every session, this one included.",
        form: { action: "/account/sessions/end-all", submitLabel: "Sign out everywhere", fields: [], danger: true },
      },
    ],
  });
}
