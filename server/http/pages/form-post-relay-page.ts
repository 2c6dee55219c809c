import { html, raw, renderDocument } from "./html.ts";

export type FormPostRelayPageInput = {
  /** Our own path the fields are posted to again. */
  readonly action: string;
  readonly fields: readonly (readonly [string, string])[];
  readonly nonce: string;
};

/**
 * Hands a cross-site form POST (an identity provider's form_post response) on to ourselves: the browser sends no
 * SameSite=Lax cookie with the provider's POST, but does with this page's, which is same-site. A nonce'd script
 * submits the form at once; without script, the button does.
 */
export function renderFormPostRelayPage(input: FormPostRelayPageInput): string {
  const body = html`<div class="card">
  <header class="card-header">
    <h1>Finishing sign-in…</h1>
  </header>
  <form method="post" action="${input.action}">
    ${input.fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <button class="button primary" type="submit">Continue</button>
  </form>
</div>
<script nonce="${input.nonce}">${raw("document.forms[0].submit();")}</script>`;
  return renderDocument({ title: "Finishing sign-in", body, nonce: input.nonce });
}
