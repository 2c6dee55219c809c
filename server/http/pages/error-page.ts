import { html, renderDocument } from "./html.ts";

export type ErrorPageInput = {
  /** A short headline for a person, e.g. "This link can't be used to sign in". */
  readonly title: string;
  /** What happened and what to do next, in plain words: never a stack trace, an error code or a secret. */
  readonly message: string;
  readonly nonce: string;
  /** Shown discreetly so a person can quote it to support; the HTTP status is set by the caller. */
  readonly status?: number;
};

/** A readable error page for people (the OAuth errors that must not redirect, expired forms, 404s in the flow). */
export function renderErrorPage(input: ErrorPageInput): string {
  const body = html`<div class="card">
  <header class="card-header">
    <h1>${input.title}</h1>
  </header>
  <p>${input.message}</p>
  <p class="footer">${input.status ? html`Error ${input.status} · ` : null}<a href="/account/connections">Go to your account</a></p>
</div>`;
  return renderDocument({ title: input.title, body, nonce: input.nonce });
}
