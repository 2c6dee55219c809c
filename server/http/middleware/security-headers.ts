import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/**
 * Security headers on every response. The default CSP allows nothing: JSON endpoints need nothing, and the
 * HTML pages set their own, stricter-than-needed policy. `frame-ancestors 'none'` and X-Frame-Options stop
 * clickjacking of the consent page (RFC 9700 §4.16).
 */
export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    strictTransportSecurity: options.https ? "max-age=63072000; includeSubDomains" : false,
    crossOriginResourcePolicy: "same-origin",
    crossOriginOpenerPolicy: "same-origin",
    xXssProtection: "0",
  });
}
