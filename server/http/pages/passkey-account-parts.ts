import { html, type RawHtml } from "./html.ts";
import { renderPasskeyForm } from "./passkey-parts.ts";

const DATE = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

export type PasskeyListItem = {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly synced: boolean;
};

/** The passkeys section of /account/security: the list, "Add a passkey" (named), and removal after the password. */
export function renderPasskeysContent(input: {
  readonly passkeys: readonly PasskeyListItem[];
  readonly registrationOptions: string;
  readonly csrfToken: string;
  readonly error?: { readonly form: "register" | "remove"; readonly message: string };
}): RawHtml {
  const { passkeys, error } = input;
  const registerError = error?.form === "register" ? error.message : undefined;
  const removeError = error?.form === "remove" ? error.message : undefined;
  const list =
    passkeys.length === 0
      ? html`<p>You have no passkeys yet.</p>`
      : html`<ul class="passkey-list" aria-label="Your passkeys">${passkeys.map(
          (passkey) => html`<li>
        <h3>${passkey.name}</h3>
        <p>Added <time datetime="${passkey.createdAt.toISOString()}">${DATE.format(passkey.createdAt)}</time> · ${
          passkey.lastUsedAt
            ? html`Last used <time datetime="${passkey.lastUsedAt.toISOString()}">${DATE.format(passkey.lastUsedAt)}</time>`
            : "Not used yet"
        } · ${passkey.synced ? "Synced" : "This device only"}</p>
      </li>`,
        )}</ul>`;
  const register = html`${registerError ? html`<div class="alert" role="alert" id="passkey-register-error">${registerError}</div>` : null}${renderPasskeyForm(
    {
      ceremony: "register",
      action: "/account/security/passkeys",
      options: input.registrationOptions,
      hidden: { csrf_token: input.csrfToken },
      submitLabel: "Add a passkey",
      primary: true,
      fields: html`<div class="field">
      <label for="passkey-name">Name of the new passkey</label>
      <input id="passkey-name" name="name" type="text" autocomplete="off" maxlength="64" required placeholder="e.g. Work laptop"${registerError ? html` aria-describedby="passkey-register-error" aria-invalid="true"` : null}>
    </div>`,
    },
  )}`;
  const remove =
    passkeys.length === 0
      ? null
      : html`<h3 class="passkey-remove-heading">Remove a passkey</h3>
    ${removeError ? html`<div class="alert" role="alert" id="passkey-remove-error">${removeError}</div>` : null}
    <form method="post" action="/account/security/passkeys/remove" novalidate>
      <input type="hidden" name="csrf_token" value="${input.csrfToken}">
      <div class="field">
        <label for="passkey-remove-id">Passkey</label>
        <select id="passkey-remove-id" name="passkey_id">${passkeys.map((passkey) => html`<option value="${passkey.id}">${passkey.name}</option>`)}</select>
      </div>
      <div class="field">
        <label for="passkey-remove-password">Current password</label>
        <input id="passkey-remove-password" name="current_password" type="password" autocomplete="current-password" maxlength="1024" required${removeError ? html` aria-describedby="passkey-remove-error" aria-invalid="true" autofocus` : null}>
      </div>
      <button class="button danger block" type="submit">Remove passkey</button>
    </form>`;
  return html`${list}${register}${remove}`;
}
