import { html, type RawHtml, renderDocument } from "./html.ts";
import { PASSKEY_CSS, PASSKEY_SCRIPTS, renderPasskeyForm } from "./passkey-parts.ts";
import { TOTP_CSS } from "./totp-parts.ts";

export type SecondFactorPageInput = {
  /** `verify`: enter a code of your app or a recovery code; `enrol`: your organization requires an app, add one. */
  readonly step: "verify" | "enrol";
  /** The signed state of the pending step. */
  readonly state: string;
  readonly csrfToken: string;
  readonly returnTo: string;
  /** For `enrol`: the QR code and secret (renderTotpEnrolment). */
  readonly enrolment?: RawHtml;
  readonly error?: string;
  readonly nonce: string;
  /** At `verify`, when the user has passkeys: the options of a passkey assertion (JSON), offered as the factor. */
  readonly passkeyOptions?: string;
  /** At `verify`: whether the user has an authenticator app (else only the passkey is offered). */
  readonly codeForm?: boolean;
};

/** The second sign-in step: a one-time code, after the password was right. */
export function renderSecondFactorPage(input: SecondFactorPageInput): string {
  const enrol = input.step === "enrol";
  const title = enrol ? "Set up two-step verification" : "Two-step verification";
  const codeForm = enrol || input.codeForm !== false;
  const hidden = { csrf_token: input.csrfToken, state: input.state, return_to: input.returnTo };
  const passkey = input.passkeyOptions
    ? renderPasskeyForm({
        ceremony: "second-factor",
        action: "/login/second-factor/passkey",
        options: input.passkeyOptions,
        hidden,
        submitLabel: "Use a passkey",
        primary: !codeForm,
      })
    : null;
  const body = html`<div class="card">
  <header class="card-header">
    <h1>${title}</h1>
    <p class="muted">${
      enrol
        ? "Your organization requires a second step for owners and admins. Scan this code with an authenticator app, then enter the 6-digit code it shows."
        : codeForm
          ? "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
          : "Confirm it's you with one of your passkeys."
    }</p>
  </header>
  ${enrol ? (input.enrolment ?? null) : null}
  ${input.error ? html`<div class="alert" role="alert" id="code-error">${input.error}</div>` : null}
  ${
    codeForm
      ? html`<form method="post" action="/login/second-factor" novalidate>
    <input type="hidden" name="csrf_token" value="${input.csrfToken}">
    <input type="hidden" name="state" value="${input.state}">
    <input type="hidden" name="return_to" value="${input.returnTo}">
    <div class="field">
      <label for="code">${enrol ? "Code from the app" : "Authentication code"}</label>
      <input id="code" class="code-input" name="code" type="text" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="32" autofocus${input.error ? html` aria-describedby="code-error" aria-invalid="true"` : null}>
    </div>
    <button class="button primary" type="submit">${enrol ? "Turn on and continue" : "Verify"}</button>
  </form>`
      : null
  }
  ${passkey && codeForm ? html`<div class="divider">or</div>` : null}
  ${passkey}
  <p class="small footer"><a href="/login">Use another account</a></p>
</div>`;
  return renderDocument({
    title,
    body,
    nonce: input.nonce,
    css: TOTP_CSS + PASSKEY_CSS,
    ...(passkey && { scripts: PASSKEY_SCRIPTS }),
  });
}

/** After enrolling at sign-in: the recovery codes, then on to where the sign-in was going. */
export function renderSecondFactorEnrolledPage(input: {
  readonly codes: RawHtml;
  readonly returnTo: string;
  readonly nonce: string;
}): string {
  const body = html`<div class="card">
  <header class="card-header">
    <h1>Two-step verification is on</h1>
  </header>
  ${input.codes}
  <a class="button primary" href="${input.returnTo}">Continue</a>
</div>`;
  return renderDocument({ title: "Two-step verification is on", body, nonce: input.nonce, css: TOTP_CSS });
}
