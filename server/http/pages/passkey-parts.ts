import { html, type RawHtml } from "./html.ts";

/** The page scripts a passkey form needs, in order (the library defines `window.SimpleWebAuthnBrowser`). */
export const PASSKEY_SCRIPTS = ["/assets/simplewebauthn-browser.js", "/assets/passkeys.js"] as const;

/** Styles of the passkey forms, added to the shared stylesheet. */
export const PASSKEY_CSS = `
.passkey-form { margin-top: 12px; }
.passkey-form [hidden] { display: none !important; }
.passkey-list { list-style: none; margin: 0 0 16px; padding: 0; }
.passkey-list li { padding: 10px 0; border-bottom: 1px solid var(--border); }
.passkey-list h3 { margin: 0; font-size: 1rem; overflow-wrap: anywhere; }
.passkey-remove-heading { font-size: 1rem; margin: 20px 0 8px; }
.passkey-list p { margin: 2px 0 0; font-size: 0.875rem; color: var(--muted); }
`;

/**
 * A form that runs a WebAuthn ceremony in the browser (server/http/assets/passkeys.js) and posts its result in the
 * hidden `response` field. `options` is the ceremony's JSON (a signed, single-use challenge in it); `conditional`
 * also offers the passkeys in the username field's autofill.
 */
export function renderPasskeyForm(input: {
  readonly ceremony: "register" | "sign-in" | "second-factor";
  readonly action: string;
  readonly options: string;
  readonly hidden: Readonly<Record<string, string>>;
  readonly submitLabel: string;
  readonly conditional?: boolean;
  /** Markup before the button (the new passkey's name field). */
  readonly fields?: RawHtml;
  readonly primary?: boolean;
}): RawHtml {
  return html`<form method="post" action="${input.action}" class="passkey-form" data-passkey="${input.ceremony}" data-options="${input.options}"${input.conditional ? html` data-conditional="true"` : null}>
    ${Object.entries(input.hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <input type="hidden" name="response" value="">
    ${input.fields ?? null}
    <div class="alert" role="alert" data-passkey-error hidden></div>
    <button class="button ${input.primary ? "primary" : "secondary"}" type="submit" data-passkey-start>${input.submitLabel}</button>
  </form>`;
}
