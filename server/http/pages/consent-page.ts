import { type Branding, brandCss, renderAppBadge, renderAppLinks } from "./branding.ts";
import { html, renderDocument } from "./html.ts";

export type ConsentPageInput = {
  readonly branding: Branding;
  readonly user: { readonly displayName: string; readonly email: string };
  /** What the app asks for, in plain words (`description`); `name` is the scope token. */
  readonly scopes: readonly { readonly name: string; readonly description: string }[];
  /** Workspaces the user may grant access to; the picker shows only when there is at least one. */
  readonly workspaces: readonly { readonly id: string; readonly name: string }[];
  readonly selectedWorkspaceId?: string;
  readonly csrfToken: string;
  /** Identifies the pending authorization request the decision answers. */
  readonly requestId: string;
  readonly nonce: string;
  /**
   * Where this authorization sends the user back (the matched redirect URI): its host is shown beside the app's
   * name, since the name is whatever the app's owner typed and the host is who receives the code.
   */
  readonly redirectUri?: string;
  /** Set for a bot install (`scope=bot`): the permissions bitfield it asks for. */
  readonly bot?: { readonly permissions: string };
};

/**
 * The consent page: who asks, who is signed in, what the app may do, where (workspace), and Authorize / Deny,
 * both submitting one form to `POST /oauth2/authorize/decision` with `decision=allow|deny`.
 */
export function renderConsentPage(input: ConsentPageInput): string {
  const { branding, user } = input;
  const selected = input.selectedWorkspaceId ?? input.workspaces[0]?.id;
  const destination = input.redirectUri === undefined ? null : redirectDestination(input.redirectUri);
  const body = html`<div class="card">
  <header class="card-header">
    ${renderAppBadge(branding)}
    <h1>${branding.name} wants to access your account</h1>
  </header>
  ${
    destination
      ? html`<p class="destination muted">You will be sent back to <strong class="redirect-host">${destination}</strong></p>`
      : null
  }
  <div class="identity account">
    <span class="avatar" aria-hidden="true">${initialOf(user.displayName || user.email)}</span>
    <span class="who"><span class="visually-hidden">Signed in as </span><strong>${user.displayName}</strong><span class="muted">${user.email}</span></span>
    <a href="/logout">Not you?</a>
  </div>
  <form method="post" action="/oauth2/authorize/decision">
    <input type="hidden" name="request_id" value="${input.requestId}">
    <input type="hidden" name="csrf_token" value="${input.csrfToken}">
    ${
      input.scopes.length > 0
        ? html`<h2>This will allow ${branding.name} to:</h2>
    <ul class="scopes">${input.scopes.map((scope) => html`<li><span>${scope.description}</span></li>`)}</ul>`
        : html`<p class="muted">${branding.name} asks for no access beyond knowing you signed in.</p>`
    }
    ${
      input.bot
        ? html`<p class="notice">This adds ${branding.name}'s bot to the workspace you choose, with permissions <code>${input.bot.permissions}</code>.</p>`
        : null
    }
    ${
      input.workspaces.length > 0
        ? html`<div class="field">
      <label for="workspace">${input.bot ? "Add to workspace" : "Workspace"}</label>
      <select id="workspace" name="workspace" required>${input.workspaces.map(
        (workspace) =>
          html`<option value="${workspace.id}"${workspace.id === selected ? html` selected` : null}>${workspace.name}</option>`,
      )}</select>
    </div>`
        : null
    }
    <div class="actions">
      <button class="button secondary" type="submit" name="decision" value="deny">Deny</button>
      <button class="button primary" type="submit" name="decision" value="allow">Authorize</button>
    </div>
  </form>
  <p class="footer">You can disconnect ${branding.name} at any time from <a href="/account/connections">Authorized apps</a>.</p>
  ${renderAppLinks(branding)}
</div>`;
  return renderDocument({
    title: `Authorize ${branding.name}`,
    body,
    nonce: input.nonce,
    css: brandCss(":root", branding),
  });
}

/** The first letter of `name`, uppercased, for the signed-in user's avatar. */
function initialOf(name: string): string {
  return Array.from(name.trim())[0]?.toLocaleUpperCase("en") ?? "?";
}

/**
 * Who receives the answer: the host (and port, if not the default) of an http(s) redirect URI, in the ASCII form
 * the browser will connect to (an IDN spoof shows as its xn-- name), or the scheme of a private-use one
 * ("com.example.app:", RFC 8252 §7.1), which the app that claimed it opens.
 */
export function redirectDestination(redirectUri: string): string | null {
  if (!URL.canParse(redirectUri)) return null;
  const url = new URL(redirectUri);
  if (url.protocol === "https:" || url.protocol === "http:") return url.host || null;
  return url.protocol;
}
