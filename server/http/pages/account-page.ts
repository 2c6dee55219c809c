import { html, type RawHtml, renderDocument } from "./html.ts";
import { PASSKEY_CSS } from "./passkey-parts.ts";
import { TOTP_CSS } from "./totp-parts.ts";

/** The pages of the account navigation, by key. */
export const ACCOUNT_NAV = [
  { key: "profile", label: "Profile", href: "/account/profile" },
  { key: "password", label: "Password", href: "/account/password" },
  { key: "security", label: "Two-step verification", href: "/account/security" },
  { key: "sessions", label: "Sessions", href: "/account/sessions" },
  { key: "apps", label: "Authorized apps", href: "/account/connections" },
  { key: "integrations", label: "Connections", href: "/account/integrations" },
  { key: "delete", label: "Delete account", href: "/account/delete" },
] as const;

export type AccountNavKey = (typeof ACCOUNT_NAV)[number]["key"];

/** One input of an account form. Unlike the sign-in forms' fields, one may be optional (an avatar URL). */
export type AccountField = {
  readonly name: string;
  readonly label: string;
  readonly type: "email" | "password" | "text" | "url";
  readonly autocomplete: string;
  readonly maxLength: number;
  readonly value?: string;
  readonly hint?: string;
  readonly optional?: boolean;
};

/** A form of an account page: its fields, and the problem of one of them after a refused POST. */
export type AccountForm = {
  /** Where it posts: one of our own paths. */
  readonly action: string;
  readonly submitLabel: string;
  readonly fields: readonly AccountField[];
  readonly hidden?: Readonly<Record<string, string>>;
  /** A destructive action: the button is drawn in the danger style. */
  readonly danger?: boolean;
  readonly error?: string;
  readonly errorField?: string;
};

export type AccountSection = {
  /** Unique on the page: ids of the section's heading and error are derived from it. */
  readonly id: string;
  readonly heading: string;
  readonly intro?: string;
  /** Markup shown before the form (a list of sessions), built with `html`. */
  readonly content?: RawHtml;
  readonly form?: AccountForm;
};

export type AccountPageInput = {
  readonly title: string;
  readonly intro: string;
  readonly active: AccountNavKey;
  readonly user: { readonly displayName: string; readonly email: string };
  /** A confirmation of what the last POST did ("Your profile was saved."). */
  readonly notice?: string;
  readonly sections: readonly AccountSection[];
  /** The session-bound CSRF token every form of the page carries (the sign-out button's too). */
  readonly csrfToken: string;
  readonly nonce: string;
  /** Script files of our origin the page loads (passkey ceremonies); send the page with `script: true`. */
  readonly scripts?: readonly string[];
};

/** Styles of the account pages, added to the shared stylesheet. */
export const ACCOUNT_CSS = `
.account-nav { margin: 0 0 20px; }
.account-nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.account-nav a {
  display: inline-block; padding: 6px 10px; border-radius: 999px; font-size: 0.875rem; text-decoration: none;
  color: var(--text); background: var(--background); border: 1px solid var(--border);
}
.account-nav a[aria-current="page"] { background: var(--primary); color: var(--on-primary); border-color: var(--primary); }
.account-section { padding: 20px 0 4px; border-top: 1px solid var(--border); }
.account-section > h2 { font-size: 1.0625rem; }
input[type="url"] {
  display: block; width: 100%; min-height: 44px; padding: 10px 12px; font: inherit; color: inherit;
  background: var(--surface); border: 1px solid #9ca3af; border-radius: 8px;
}
.notice.success { background: #ecfdf5; color: #065f46; border: 1px solid #a7f3d0; }
.sessions { list-style: none; margin: 0 0 16px; padding: 0; }
.session { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; padding: 12px 0; border-top: 1px solid var(--border); }
.session:first-child { border-top: 0; }
.session-body { flex: 1 1 220px; min-width: 0; }
.session-body h3 { font-size: 1rem; margin: 0 0 2px; overflow-wrap: anywhere; }
.tag {
  display: inline-block; margin-left: 6px; padding: 1px 8px; border-radius: 999px; font-size: 0.75rem;
  font-weight: 600; background: #dbeafe; color: #1e40af; vertical-align: middle;
}
.tag.warn { background: #fef3c7; color: #92400e; }
.session > .button { width: auto; }
.button.danger.block { width: 100%; }
.account-footer { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 8px; margin-top: 20px; }
.account-footer .button { width: auto; }
`;

/** The account navigation: a list of links, the current page marked for assistive technology too. */
export function renderAccountNav(active: AccountNavKey | null): RawHtml {
  return html`<nav class="account-nav" aria-label="Account">
    <ul>${ACCOUNT_NAV.map(
      (item) =>
        html`<li><a href="${item.href}"${item.key === active ? html` aria-current="page"` : null}>${item.label}</a></li>`,
    )}</ul>
  </nav>`;
}

function renderField(section: string, form: AccountForm, field: AccountField, autofocus: boolean): RawHtml {
  const id = `${section}-${field.name}`;
  const invalid = form.error !== undefined && form.errorField === field.name;
  const described = [field.hint ? `${id}-hint` : null, invalid ? `${section}-error` : null].filter(Boolean).join(" ");
  return html`<div class="field">
      <label for="${id}">${field.label}${field.optional ? html` <span class="muted small">(optional)</span>` : null}</label>
      <input id="${id}" name="${field.name}" type="${field.type}" autocomplete="${field.autocomplete}" maxlength="${field.maxLength}"${field.optional ? null : html` required`}${field.type === "email" || field.type === "url" ? html` autocapitalize="none" spellcheck="false"` : null} value="${field.value ?? ""}"${described ? html` aria-describedby="${described}"` : null}${invalid ? html` aria-invalid="true"` : null}${autofocus ? html` autofocus` : null}>
      ${field.hint ? html`<p class="muted small" id="${id}-hint">${field.hint}</p>` : null}
    </div>`;
}

function renderSection(section: AccountSection, csrfToken: string): RawHtml {
  const form = section.form;
  const focus = form?.error ? (form.errorField ?? form.fields[0]?.name) : undefined;
  return html`<section class="account-section" aria-labelledby="${section.id}-heading">
    <h2 id="${section.id}-heading">${section.heading}</h2>
    ${section.intro ? html`<p class="muted">${section.intro}</p>` : null}
    ${section.content ?? null}
    ${
      form
        ? html`${form.error ? html`<div class="alert" role="alert" id="${section.id}-error">${form.error}</div>` : null}
    <form method="post" action="${form.action}" novalidate>
      <input type="hidden" name="csrf_token" value="${csrfToken}">
      ${Object.entries(form.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
      ${form.fields.map((field) => renderField(section.id, form, field, field.name === focus))}
      <button class="button ${form.danger ? "danger block" : "primary"}" type="submit">${form.submitLabel}</button>
    </form>`
        : null
    }
  </section>`;
}

/**
 * The shell of every /account page: the card, the account navigation, who is signed in, a notice of what was just
 * done, the page's sections (each a heading, an optional form with its own alert), and a sign-out button.
 */
export function renderAccountPage(input: AccountPageInput): string {
  const body = html`<div class="card wide">
  <header class="card-header">
    <h1>${input.title}</h1>
    <p class="muted">${input.intro}</p>
  </header>
  ${renderAccountNav(input.active)}
  <div class="identity">
    <span>Signed in as <strong>${input.user.displayName}</strong> <span class="muted">(${input.user.email})</span></span>
  </div>
  ${input.notice ? html`<div class="notice success" role="status">${input.notice}</div>` : null}
  ${input.sections.map((section) => renderSection(section, input.csrfToken))}
  <form class="account-footer" method="post" action="/logout">
    <input type="hidden" name="csrf_token" value="${input.csrfToken}">
    <button class="button secondary" type="submit">Sign out</button>
  </form>
</div>`;
  return renderDocument({
    title: input.title,
    body,
    nonce: input.nonce,
    css: ACCOUNT_CSS + TOTP_CSS + PASSKEY_CSS,
    ...(input.scripts && { scripts: input.scripts }),
  });
}
