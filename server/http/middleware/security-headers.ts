import type { HeaderList } from "../default-headers.ts";

/**
 * The security headers of every response, JSON or page. The default CSP allows nothing (a JSON answer needs
 * nothing; the pages send their own policy with a nonce, see `sendPage`); `frame-ancestors 'none'` and
 * X-Frame-Options stop clickjacking (RFC 9700 §4.16); `nosniff` keeps a browser from reading JSON as script;
 * CORP keeps other origins from loading an answer into their process. The OWASP REST Security set, plus HSTS
 * over HTTPS.
 */
export function securityHeaderList(options: { https: boolean }): HeaderList {
  return [
    ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"],
    ["Cross-Origin-Resource-Policy", "same-origin"],
    ["Referrer-Policy", "no-referrer"],
    ...(options.https ? [["Strict-Transport-Security", "max-age=63072000; includeSubDomains"] as const] : []),
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
  ];
}

/**
 * What only a document needs, added by `sendPage` to the pages: these govern how a browser treats a page it
 * renders (its browsing-context group, DNS prefetching, legacy download and Flash/PDF policies, the legacy XSS
 * auditor, which "0" turns off since it could itself leak page content), and say nothing to a JSON answer, which
 * was sent them for every token before. A page may set its own opener policy: the connection popup's opener may
 * be another origin, and `same-origin` would sever `window.opener`.
 */
export const DOCUMENT_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Origin-Agent-Cluster": "?1",
  "X-DNS-Prefetch-Control": "off",
  "X-Download-Options": "noopen",
  "X-Permitted-Cross-Domain-Policies": "none",
  "X-XSS-Protection": "0",
};
