import { type Branding, brandCss, renderAppBadge, renderAppLinks } from "./branding.ts";
import { html, renderDocument } from "./html.ts";
import { PASSKEY_CSS, PASSKEY_SCRIPTS, renderPasskeyForm } from "./passkey-parts.ts";

/** Where a "Continue with …" button goes: the start of a sign-in through that identity provider (upstream-login.ts). */
export function upstreamLoginStartPath(providerId: string): string {
  return `/login/providers/${encodeURIComponent(providerId)}/start`;
}

export type LoginPageInput = {
  /** The app the sign-in continues to, when the login was started by its authorization request. */
  readonly branding: Branding | null;
  /** Where to go after signing in: a validated same-origin path. */
  readonly returnTo: string;
  readonly csrfToken: string;
  /** The options of a passkey sign-in (JSON): adds "Sign in with a passkey" and the email field's passkey autofill. */
  readonly passkeyOptions?: string;
  /** Prefills the email field after a failed attempt. */
  readonly email?: string;
  /** One generic sentence; never says whether the account exists. */
  readonly error?: string;
  readonly nonce: string;
  /** Upstream login providers offered as "Continue with …". */
  readonly providers?: readonly { readonly id: string; readonly label: string }[];
  /** "Create account", when the app's organization lets people sign up (`signUpPolicy: OPEN`). */
  readonly signUpHref?: string;
  /** "Forgot password?", continuing `returnTo` after the reset. */
  readonly forgotPasswordHref?: string;
};

/** The sign-in page: email and password, optional upstream providers, branded when an app asked. */
export function renderLoginPage(input: LoginPageInput): string {
  const { branding } = input;
  const providers = input.providers ?? [];
  const returnQuery = new URLSearchParams({ return_to: input.returnTo }).toString();
  const body = html`<div class="card">
  <header class="card-header">
    ${branding ? renderAppBadge(branding) : null}
    <h1>${branding ? `Sign in to continue to ${branding.name}` : "Sign in"}</h1>
    <p class="muted">Use your account email and password.</p>
  </header>
  ${input.error ? html`<div class="alert" role="alert" id="login-error">${input.error}</div>` : null}
  <form method="post" action="/login" novalidate>
    <input type="hidden" name="csrf_token" value="${input.csrfToken}">
    <input type="hidden" name="return_to" value="${input.returnTo}">
    <div class="field">
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="${input.passkeyOptions ? "username webauthn" : "username"}" inputmode="email" autocapitalize="none" spellcheck="false" required maxlength="320" value="${input.email ?? ""}"${input.error ? html` aria-describedby="login-error"` : null}${input.email ? null : html` autofocus`}>
    </div>
    <div class="field">
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${input.email ? html` autofocus` : null}>
    </div>
    <button class="button primary" type="submit">Sign In</button>
  </form>
  ${
    input.passkeyOptions
      ? renderPasskeyForm({
          ceremony: "sign-in",
          action: "/login/passkey",
          options: input.passkeyOptions,
          hidden: { csrf_token: input.csrfToken, return_to: input.returnTo },
          submitLabel: "Use a passkey",
          conditional: true,
        })
      : null
  }
  <p class="small footer"><a href="${input.forgotPasswordHref ?? "/forgot-password"}">Forgot password?</a>${input.signUpHref ? html` · <a href="${input.signUpHref}">Create account</a>` : null}</p>
  ${
    providers.length > 0
      ? html`<div class="divider">or</div>
  <div class="stack">${providers.map(
    (provider) =>
      html`<a class="button secondary" href="${upstreamLoginStartPath(provider.id)}?${returnQuery}">Continue with ${provider.label}</a>`,
  )}</div>`
      : null
  }
  ${branding ? renderAppLinks(branding) : null}
</div>`;
  const title = branding ? `Sign in to continue to ${branding.name}` : "Sign in";
  return renderDocument({
    title,
    body,
    nonce: input.nonce,
    css: brandCss(":root", branding) + PASSKEY_CSS,
    ...(input.passkeyOptions && { scripts: PASSKEY_SCRIPTS }),
  });
}
