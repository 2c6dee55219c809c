import { ACCOUNT_CSS, renderAccountNav } from "./account-page.ts";
import { type Branding, brandCss, renderAppBadge } from "./branding.ts";
import { html, renderDocument } from "./html.ts";

export type ConnectionsPageInput = {
  readonly user: { readonly displayName: string; readonly email: string };
  readonly connections: readonly {
    readonly grantId: string;
    readonly branding: Branding;
    readonly scopes: readonly { readonly name: string; readonly description: string }[];
    readonly workspaceName: string | null;
    readonly since: Date;
  }[];
  /** The session-bound CSRF token every form on the page carries. */
  readonly csrfToken: string;
  readonly nonce: string;
};

const DATE = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/** "Authorized apps": every app the user granted access, what it may do, and a Disconnect button for each. */
export function renderConnectionsPage(input: ConnectionsPageInput): string {
  const { user } = input;
  // Each app's colors are scoped to its own list item through the stylesheet's custom properties.
  const css = input.connections.map((connection, index) => brandCss(`.app-${index}`, connection.branding)).join("");
  const items = input.connections.map(
    (connection, index) => html`<li class="app app-${index}">
      ${renderAppBadge(connection.branding, { size: "small" })}
      <div class="app-body">
        <h2>${connection.branding.name}</h2>
        ${
          connection.scopes.length > 0
            ? html`<ul>${connection.scopes.map((scope) => html`<li>${scope.description}</li>`)}</ul>`
            : html`<p class="app-meta">Knows that you signed in</p>`
        }
        <p class="app-meta">${connection.workspaceName ? html`In ${connection.workspaceName} · ` : null}Authorized <time datetime="${connection.since.toISOString()}">${DATE.format(connection.since)}</time></p>
      </div>
      <form method="post" action="/account/connections/${encodeURIComponent(connection.grantId)}/disconnect">
        <input type="hidden" name="csrf_token" value="${input.csrfToken}">
        <button class="button danger" type="submit" aria-label="Disconnect ${connection.branding.name}">Disconnect</button>
      </form>
    </li>`,
  );
  const body = html`<div class="card wide">
  <header class="card-header">
    <h1>Authorized apps</h1>
    <p class="muted">Apps you allowed to access your account. Disconnecting one revokes its access right away.</p>
  </header>
  ${renderAccountNav("apps")}
  <div class="identity">
    <span>Signed in as <strong>${user.displayName}</strong> <span class="muted">(${user.email})</span></span>
  </div>
  ${
    items.length > 0
      ? html`<ul class="apps">${items}</ul>`
      : html`<p class="empty">You haven't authorized any apps yet. Apps you allow will appear here.</p>`
  }
  <form class="footer" method="post" action="/logout">
    <input type="hidden" name="csrf_token" value="${input.csrfToken}">
    <button class="button secondary" type="submit">Sign out</button>
  </form>
</div>`;
  return renderDocument({ title: "Authorized apps", body, nonce: input.nonce, css: ACCOUNT_CSS + css });
}
