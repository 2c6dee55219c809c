import { type Branding, brandCss, renderAppBadge, renderAppLinks } from "./branding.ts";
import { html, renderDocument } from "./html.ts";

/** A link, or a one-button form posting to one of our own paths with its CSRF token. */
export type InfoPageAction =
  | { readonly label: string; readonly href: string }
  | { readonly label: string; readonly postTo: string; readonly csrfToken: string };

export type InfoPageInput = {
  readonly title: string;
  readonly message: string;
  readonly nonce: string;
  /** The app the message is about (a bot installed into a workspace); themes the page. */
  readonly branding?: Branding | null;
  readonly action?: InfoPageAction;
};

/** A short confirmation page: signed out, bot installed, "sign out?" confirmation. */
export function renderInfoPage(input: InfoPageInput): string {
  const branding = input.branding ?? null;
  const action = input.action;
  if (action && !isOwnPath("postTo" in action ? action.postTo : action.href)) {
    throw new Error("info page actions must point at one of our own paths");
  }
  const body = html`<div class="card">
  <header class="card-header">
    ${branding ? renderAppBadge(branding) : null}
    <h1>${input.title}</h1>
  </header>
  <p>${input.message}</p>
  ${
    action === undefined
      ? null
      : "postTo" in action
        ? html`<form method="post" action="${action.postTo}">
    <input type="hidden" name="csrf_token" value="${action.csrfToken}">
    <button class="button primary" type="submit">${action.label}</button>
  </form>`
        : html`<a class="button primary" href="${action.href}">${action.label}</a>`
  }
  ${branding ? renderAppLinks(branding) : null}
</div>`;
  return renderDocument({ title: input.title, body, nonce: input.nonce, css: brandCss(":root", branding) });
}

function isOwnPath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !path.includes("\\");
}
