import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DOCUMENT_HEADERS } from "./middleware/security-headers.ts";
import { renderErrorPage } from "./pages/error-page.ts";
import { pageCsp } from "./pages/html.ts";

export type SendPageOptions = {
  /** Extra `form-action` sources (see `formActionSource`): where the page's forms may end up after redirects. */
  readonly formAction?: readonly string[];
  /** More response headers, e.g. `Retry-After`. */
  readonly headers?: Record<string, string>;
  /** The page runs its nonce'd inline script (the CSP allows no other). */
  readonly script?: boolean;
};

/**
 * Answers with a server-rendered page: mints a fresh nonce (16 random bytes, base64) for this response only,
 * renders with it, and sends the page's own CSP (in place of the JSON one every response has), the headers only a
 * document needs, and `no-store` so no cache keeps a page with a CSRF token or a user's email.
 *
 * @example
 * ```ts
 * return sendPage(c, 200, (nonce) => renderInfoPage({ title: "Signed out", message: "…", nonce }));
 * ```
 */
export function sendPage(
  c: Context,
  status: ContentfulStatusCode,
  render: (nonce: string) => string,
  options: SendPageOptions = {},
): Response {
  const nonce = randomBytes(16).toString("base64");
  return c.body(render(nonce), status, {
    ...DOCUMENT_HEADERS,
    ...options.headers,
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy": `${pageCsp(nonce, options.formAction)}${options.script ? `; script-src 'nonce-${nonce}'` : ""}`,
  });
}

/** A readable error page for a person (see renderErrorPage), with the status shown on it and sent. */
export function sendErrorPage(c: Context, status: 400 | 403 | 404 | 502, title: string, message: string): Response {
  return sendPage(c, status, (nonce) => renderErrorPage({ title, message, nonce, status }));
}
