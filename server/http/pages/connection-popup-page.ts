import { html, raw, renderDocument } from "./html.ts";

/** What the popup tells its opener: `MessageEvent.data` of a `latch:connection` message. */
export type ConnectionPopupMessage = {
  readonly type: "latch:connection";
  readonly status: "connected" | "error";
  readonly integrationId: string | null;
  readonly connectionId?: string;
  /** A stable reason code when `status` is `error` (`access_denied`, `wrong_user`, `upstream_unreachable`, ...). */
  readonly error?: string;
  readonly message?: string;
};

export type ConnectionPopupPageInput = {
  readonly title: string;
  /** Plain words for a person (shown when the page has no opener to close into): never a code or a secret. */
  readonly message: string;
  readonly result: ConnectionPopupMessage;
  /** The only origin the message may reach: validated when the flow started, never `*`. */
  readonly openerOrigin: string;
  readonly nonce: string;
};

/**
 * The last page of the popup "Connect" flow: a nonce'd script posts the result to the opener (only at
 * `openerOrigin`) and closes the window; without an opener (the flow ran in a tab, as Reconnect on the account's
 * Connections page runs it) the text says what happened and links back to that page.
 */
export function renderConnectionPopupPage(input: ConnectionPopupPageInput): string {
  const script = `(function () {
  var message = ${scriptJson(input.result)};
  var target = ${scriptJson(input.openerOrigin)};
  if (!window.opener) return;
  try { window.opener.postMessage(message, target); } finally { window.close(); }
})();`;
  const body = html`<div class="card">
  <header class="card-header">
    <h1>${input.title}</h1>
  </header>
  <p>${input.message}</p>
  <p class="muted small">You can close this window, or see <a href="/account/integrations">your connections</a>.</p>
</div>
<script nonce="${input.nonce}">${raw(script)}</script>`;
  return renderDocument({ title: input.title, body, nonce: input.nonce });
}

/** JSON that is safe inside an inline `<script>`: no `</script>`, no `<!--`, no line separators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
