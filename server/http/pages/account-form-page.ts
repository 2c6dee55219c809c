import { type Branding, brandCss, renderAppBadge, renderAppLinks } from "./branding.ts";
import { html, renderDocument } from "./html.ts";

export type FormField = {
  readonly name: string;
  readonly label: string;
  readonly type: "email" | "password" | "text";
  readonly autocomplete: string;
  readonly value?: string;
  readonly maxLength: number;
  /** Shown under the field (e.g. the password policy). */
  readonly hint?: string;
};

export type AccountFormPageInput = {
  readonly title: string;
  readonly intro: string;
  /** Where the form posts: one of our own paths. */
  readonly action: string;
  readonly submitLabel: string;
  readonly csrfToken: string;
  readonly hidden?: Readonly<Record<string, string>>;
  readonly fields: readonly FormField[];
  /** The field's problem in a sentence a person can act on. */
  readonly error?: string;
  /** The field the error is about (focused and described by it). */
  readonly errorField?: string;
  /** Links under the form ("Back to sign in"), to our own paths. */
  readonly links?: readonly { readonly label: string; readonly href: string }[];
  readonly branding?: Branding | null;
  readonly nonce: string;
};

/**
 * The shape of the login page for the other account forms (forgot password, new password, sign-up): the same card,
 * header and branding, one alert for the problem, and the fields.
 */
export function renderAccountFormPage(input: AccountFormPageInput): string {
  const branding = input.branding ?? null;
  const focus = input.errorField ?? input.fields[0]?.name;
  const body = html`<div class="card">
  <header class="card-header">
    ${branding ? renderAppBadge(branding) : null}
    <h1>${input.title}</h1>
    <p class="muted">${input.intro}</p>
  </header>
  ${input.error ? html`<div class="alert" role="alert" id="form-error">${input.error}</div>` : null}
  <form method="post" action="${input.action}" novalidate>
    <input type="hidden" name="csrf_token" value="${input.csrfToken}">
    ${Object.entries(input.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    ${input.fields.map(
      (field) => html`<div class="field">
      <label for="${field.name}">${field.label}</label>
      <input id="${field.name}" name="${field.name}" type="${field.type}" autocomplete="${field.autocomplete}" required maxlength="${field.maxLength}"${field.type === "email" ? html` inputmode="email" autocapitalize="none" spellcheck="false"` : null} value="${field.value ?? ""}"${field.hint ? html` aria-describedby="${field.name}-hint${input.error && field.name === input.errorField ? " form-error" : ""}"` : input.error && field.name === input.errorField ? html` aria-describedby="form-error"` : null}${field.name === focus ? html` autofocus` : null}>
      ${field.hint ? html`<p class="muted small" id="${field.name}-hint">${field.hint}</p>` : null}
    </div>`,
    )}
    <button class="button primary" type="submit">${input.submitLabel}</button>
  </form>
  ${
    input.links && input.links.length > 0
      ? html`<p class="small footer">${input.links.map((link, index) => html`${index > 0 ? " · " : null}<a href="${link.href}">${link.label}</a>`)}</p>`
      : null
  }
  ${branding ? renderAppLinks(branding) : null}
</div>`;
  return renderDocument({ title: input.title, body, nonce: input.nonce, css: brandCss(":root", branding) });
}
