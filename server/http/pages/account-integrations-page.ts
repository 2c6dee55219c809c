import type { OwnConnection } from "../../services/connections/list-own-connections.ts";
import { renderAccountPage } from "./account-page.ts";
import { html, type RawHtml } from "./html.ts";

export type AccountIntegrationsPageInput = {
  readonly user: { readonly displayName: string; readonly email: string };
  readonly connections: readonly OwnConnection[];
  readonly notice?: string;
  readonly csrfToken: string;
  readonly nonce: string;
};

const WHEN = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

const STATUS: Record<OwnConnection["status"], string> = {
  active: "Connected",
  needs_reauth: "Needs reconnecting",
  revoked: "Disconnected",
};

function renderConnection(connection: OwnConnection, csrfToken: string): RawHtml {
  const reconnect = connection.reconnectable && connection.status !== "active";
  return html`<li class="session">
      <div class="session-body">
        <h3>${connection.domain}<span class="tag${connection.status === "active" ? "" : " warn"}">${STATUS[connection.status]}</span></h3>
        <p class="app-meta">In ${connection.workspaceName} · Connected <time datetime="${connection.connectedAt.toISOString()}">${WHEN.format(connection.connectedAt)}</time>${connection.lastRefreshedAt ? html` · Refreshed <time datetime="${connection.lastRefreshedAt.toISOString()}">${WHEN.format(connection.lastRefreshedAt)}</time>` : null}</p>
        ${connection.scopes.length > 0 ? html`<p class="app-meta">Access: ${connection.scopes.join(", ")}</p>` : null}
      </div>
      ${
        reconnect
          ? html`<a class="button secondary" href="/connections/${encodeURIComponent(connection.integrationId)}/start" aria-label="Reconnect ${connection.domain}">Reconnect</a>`
          : null
      }
      ${
        connection.status === "revoked"
          ? null
          : html`<form method="post" action="/account/integrations/${encodeURIComponent(connection.id)}/disconnect">
        <input type="hidden" name="csrf_token" value="${csrfToken}">
        <button class="button danger" type="submit" aria-label="Disconnect ${connection.domain}">Disconnect</button>
      </form>`
      }
    </li>`;
}

/**
 * "Connections": the services the user connected their account to through an app (seed 004), each with its status,
 * Reconnect when it needs it, and Disconnect (revokes the tokens upstream and forgets them).
 */
export function renderAccountIntegrationsPage(input: AccountIntegrationsPageInput): string {
  return renderAccountPage({
    title: "Connections",
    intro: "Services you connected your account to through an app. Disconnecting one revokes its tokens.",
    active: "integrations",
    user: input.user,
    ...(input.notice && { notice: input.notice }),
    csrfToken: input.csrfToken,
    nonce: input.nonce,
    sections: [
      {
        id: "connections",
        heading: `Connected services (${input.connections.filter((c) => c.status !== "revoked").length})`,
        content:
          input.connections.length > 0
            ? html`<ul class="sessions">${input.connections.map((connection) => renderConnection(connection, input.csrfToken))}</ul>`
            : html`<p class="empty">You haven't connected any services yet. When an app asks you to connect one, it appears here.</p>`,
      },
    ],
  });
}
