/**
 * HTML rendering for the server-rendered pages: an `html` tagged template that escapes every interpolated value
 * unless it is explicitly marked trusted with {@link raw}, and the document shell every page shares.
 *
 * The pages load nothing from elsewhere: one inline stylesheet allowed by a per-response nonce, images only from
 * https: or data: (app logos), and no script except the two pages that need one (the connection popup's
 * `postMessage` to its opener and the form-post relay's auto-submit), each a nonce'd inline script.
 * {@link pageCsp} is the policy of the pages without script.
 */

/** A fragment of HTML that is already safe to emit as is: made by {@link html} or {@link raw}, never from input. */
export class RawHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

/** What may be interpolated into {@link html}: strings and numbers are escaped, `null`/`undefined`/`false` vanish. */
export type HtmlValue = string | number | RawHtml | null | undefined | false | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/**
 * Escapes text for an HTML text node or a quoted attribute value. Quotes are escaped too, so the result is safe
 * in either attribute quoting style; it is not safe in unquoted attributes, `<script>`, `<style>` or URLs'
 * scheme (check schemes with {@link safeHttpUrl}).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (char) => ESCAPES[char] ?? char);
}

/**
 * Marks `trusted` as HTML to emit unescaped. Only for fragments our own code builds from constants or
 * already-escaped values; never for anything that came from a request, the database or an app's settings.
 */
export function raw(trusted: string): RawHtml {
  return new RawHtml(trusted);
}

/**
 * Tagged template that escapes every interpolated value by default: `html\`<p>${name}</p>\`` is safe for any
 * `name`. Nest templates or use {@link raw} for fragments that must stay markup; arrays are joined.
 *
 * @example
 * ```ts
 * const item = html`<li>${scope.description}</li>`;
 * const list = html`<ul>${scopes.map((s) => html`<li>${s.description}</li>`)}</ul>`;
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): RawHtml {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? "");
  });
  return new RawHtml(out);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof RawHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/**
 * The URL `value` names when it is an absolute http(s) URL, else null: the only links to places an app's settings
 * name that a page may render (a `javascript:` or `data:` homepage is dropped, not escaped).
 */
export function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value || !URL.canParse(value)) return null;
  const url = new URL(value);
  return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
}

/**
 * The Content-Security-Policy of one page response. Nothing loads but the nonce'd stylesheet and logos
 * (`img-src https: data:`); no script runs (the two pages with a script extend this policy with its nonce); no one may frame the page (clickjacking of consent, RFC 9700 §4.16).
 *
 * `formAction` lists the sources a form submission may navigate to, redirects included: Chrome applies
 * `form-action` to every hop after a POST, so a login or consent form whose answer 303s on to an app's redirect
 * URI must allow that origin too (see {@link formActionSource}). Defaults to `'self'`; invalid sources are dropped.
 *
 * @example
 * ```ts
 * c.header("Content-Security-Policy", pageCsp(nonce));
 * ```
 */
export function pageCsp(nonce: string, formAction: readonly string[] = ["'self'"]): string {
  const sources = ["'self'", ...formAction.filter((source) => CSP_SOURCE.test(source))];
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "img-src https: data:",
    `form-action ${[...new Set(sources)].join(" ")}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

// 'self', an http(s) origin, or a bare scheme (private-use redirect URIs of native apps, RFC 8252 §7.1).
const CSP_SOURCE =
  /^(?:'self'|https?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(?:\d{1,5}|\*))?|[a-z][a-z0-9+.-]*:)$/;

/**
 * The `form-action` source that lets a form's redirect chain end at a registered `redirectUri`: its origin for
 * http(s) (any port on a loopback address, which native apps pick at run time, RFC 8252 §7.3), its scheme for a
 * private-use URI (`com.example.app:`), or null when it is not a URL.
 */
export function formActionSource(redirectUri: string): string | null {
  if (!URL.canParse(redirectUri)) return null;
  const url = new URL(redirectUri);
  let source = url.protocol.toLowerCase();
  if (url.protocol === "https:" || url.protocol === "http:") {
    const loopback = url.protocol === "http:" && (url.hostname === "127.0.0.1" || url.hostname === "[::1]");
    source = loopback ? `http://${url.hostname}:*` : url.origin;
  }
  return CSP_SOURCE.test(source) ? source : null;
}

/** Options of {@link renderDocument}. */
export type DocumentOptions = {
  readonly title: string;
  readonly body: RawHtml;
  /** The per-response nonce the page's CSP allows the stylesheet with. */
  readonly nonce: string;
  /**
   * Extra CSS after the shared stylesheet: built by our code from validated values only (branding.ts validates
   * colors before they get here), never from raw input.
   */
  readonly css?: string;
  /** Script files of our own origin (`/assets/…`), loaded deferred with the nonce (send with `script: true`). */
  readonly scripts?: readonly string[];
};

/**
 * A complete HTML5 document: the shared stylesheet in a nonce'd `<style>`, a viewport meta for phones,
 * `lang="en"`, and `body` inside a centered `<main>`.
 *
 * The page's referrer policy is `same-origin`, not `no-referrer`: under `no-referrer` browsers send `Origin: null`
 * on form POSTs (Fetch, "serializing a request origin"), which the CSRF check rightly rejects, so no one could sign
 * in. `same-origin` still sends no Referer to any other origin (an app's redirect URI, its links).
 */
export function renderDocument(options: DocumentOptions): string {
  const css = STYLESHEET + (options.css ?? "");
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="robots" content="noindex, nofollow">
<title>${options.title}</title>
<style nonce="${options.nonce}">${raw(css.replace(/<\//g, "<\\/"))}</style>
${(options.scripts ?? []).map((src) => html`<script nonce="${options.nonce}" src="${src}" defer></script>`)}
</head>
<body>
<main class="page">
${options.body}
</main>
</body>
</html>
`}`;
}

/**
 * The shared stylesheet. Colors come from custom properties so branding can re-theme a page, or one list item
 * (`.app-N { --primary: … }`), without any inline style attribute (which the CSP would block).
 */
const STYLESHEET = `
:root {
  --primary: #1f2937; --on-primary: #ffffff; --accent: #2563eb; --link: #2563eb;
  --badge: #4f46e5; --on-badge: #ffffff;
  --text: #111827; --muted: #4b5563; --border: #e5e7eb; --surface: #ffffff; --background: #f3f4f6;
  --danger: #b91c1c; --danger-surface: #fef2f2; --focus: #2563eb;
  color-scheme: light;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; min-height: 100vh; background: var(--background); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif,
    "Apple Color Emoji", "Segoe UI Emoji";
}
.page { display: flex; min-height: 100vh; align-items: center; justify-content: center; padding: 24px 16px; }
.card {
  width: 100%; max-width: 420px; background: var(--surface); border: 1px solid var(--border);
  border-top: 4px solid var(--accent); border-radius: 12px; padding: 32px 28px;
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.06), 0 8px 24px rgba(0, 0, 0, 0.06);
}
.card.wide { max-width: 560px; }
@media (max-width: 400px) { .card { padding: 24px 18px; } }
.card-header { text-align: center; margin-bottom: 24px; }
h1 {
  font-size: 1.375rem; line-height: 1.3; margin: 12px 0 4px; font-weight: 650; overflow-wrap: anywhere;
  text-wrap: balance;
}
h2 { font-size: 1rem; margin: 0 0 8px; overflow-wrap: anywhere; }
p { margin: 0 0 16px; overflow-wrap: anywhere; }
.muted { color: var(--muted); font-size: 0.9375rem; }
.small { font-size: 0.875rem; }
a { color: var(--link); text-underline-offset: 2px; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 4px; }
.badge {
  display: inline-flex; align-items: center; justify-content: center; width: 56px; height: 56px;
  border-radius: 50%; object-fit: cover; background: var(--badge); color: var(--on-badge);
  font-size: 1.5rem; font-weight: 650; user-select: none; flex: none;
}
img.badge { background: var(--surface); border: 1px solid var(--border); border-radius: 14px; }
.badge.small { width: 40px; height: 40px; font-size: 1.125rem; }
img.badge.small { border-radius: 10px; }
form { margin: 0; }
.field { margin-bottom: 16px; }
label { display: block; font-weight: 600; font-size: 0.9375rem; margin-bottom: 6px; }
input[type="email"], input[type="password"], input[type="text"], select {
  display: block; width: 100%; min-height: 44px; padding: 10px 12px; font: inherit; color: inherit;
  background: var(--surface); border: 1px solid #9ca3af; border-radius: 8px;
}
input:focus-visible, select:focus-visible { outline: 3px solid var(--focus); outline-offset: 1px; border-color: var(--focus); }
.button {
  display: inline-flex; align-items: center; justify-content: center; gap: 8px; width: 100%; min-height: 44px;
  padding: 10px 16px; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer;
  border-radius: 8px; border: 1px solid transparent;
}
.button.primary { background: var(--primary); color: var(--on-primary); }
.button.primary:hover { filter: brightness(0.92); }
.button.secondary { background: var(--surface); color: var(--text); border-color: #9ca3af; }
.button.secondary:hover { background: #f9fafb; }
.button.danger { background: var(--surface); color: var(--danger); border-color: #fca5a5; width: auto; }
.button.danger:hover { background: var(--danger-surface); }
.actions { display: flex; gap: 12px; margin-top: 24px; }
.actions .button { flex: 1 1 0; min-width: 0; }
.stack { display: flex; flex-direction: column; gap: 10px; }
.divider { display: flex; align-items: center; gap: 12px; margin: 20px 0; color: var(--muted); font-size: 0.875rem; }
.divider::before, .divider::after { content: ""; flex: 1; border-top: 1px solid var(--border); }
.alert {
  padding: 10px 12px; margin-bottom: 16px; border-radius: 8px; font-size: 0.9375rem;
  background: var(--danger-surface); color: var(--danger); border: 1px solid #fecaca;
}
.identity {
  display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 12px; padding: 10px 12px;
  margin-bottom: 20px; background: var(--background); border-radius: 8px; font-size: 0.9375rem;
}
.identity strong { overflow-wrap: anywhere; }
.identity.account {
  display: grid; grid-template-columns: auto minmax(0, 1fr) auto; grid-template-areas: "avatar who switch";
  align-items: center; gap: 2px 12px;
}
.account .avatar {
  grid-area: avatar; display: inline-flex; align-items: center; justify-content: center; width: 36px; height: 36px;
  border-radius: 50%; background: #d1d5db; color: #1f2937; font-weight: 650; user-select: none;
}
.account .who { grid-area: who; display: flex; flex-direction: column; line-height: 1.35; }
.account .who .muted { font-size: 0.875rem; overflow-wrap: anywhere; }
.account a { grid-area: switch; font-size: 0.875rem; white-space: nowrap; }
@media (max-width: 400px) {
  .identity.account { grid-template-columns: auto minmax(0, 1fr); grid-template-areas: "avatar who" ". switch"; }
  .account .avatar { align-self: start; }
  .account a { justify-self: start; }
}
.scopes { list-style: none; margin: 0 0 20px; padding: 0; border-top: 1px solid var(--border); }
.scopes li { display: flex; gap: 10px; padding: 10px 0; border-bottom: 1px solid var(--border); }
.scopes li::before { content: "\\2713"; color: var(--link); font-weight: 700; flex: none; }
.notice { padding: 10px 12px; margin-bottom: 16px; border-radius: 8px; background: var(--background); font-size: 0.9375rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875em; }
.links { display: flex; flex-wrap: wrap; justify-content: center; gap: 4px 16px; margin-top: 20px; font-size: 0.875rem; }
.apps { list-style: none; margin: 0; padding: 0; }
.app {
  display: flex; flex-wrap: wrap; gap: 12px 14px; align-items: flex-start; padding: 16px 0;
  border-top: 1px solid var(--border);
}
.app-body { flex: 1 1 180px; min-width: 0; }
.app-body ul { margin: 6px 0 10px; padding-left: 18px; font-size: 0.9375rem; }
.app-meta { color: var(--muted); font-size: 0.875rem; margin: 0; }
.app form { flex: none; }
.empty { text-align: center; padding: 24px 0 8px; color: var(--muted); }
.footer { margin-top: 24px; text-align: center; font-size: 0.875rem; color: var(--muted); }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0;
}
@media (forced-colors: active) { .button { border: 1px solid ButtonText; } }
`;
