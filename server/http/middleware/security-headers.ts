import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/**
 * Security headers on every response. The default CSP allows nothing: JSON endpoints need nothing, and the
 * HTML pages set their own, stricter-than-needed policy. `frame-ancestors 'none'` and X-Frame-Options stop
 * clickjacking of the consent page (RFC 9700 §4.16).
 *
 * hono's secureHeaders writes its headers after the route ran, overwriting the route's. A response that carries
 * its own Content-Security-Policy (the pages: a per-response nonce for their stylesheet, see `sendPage`) keeps
 * it; so does one with its own Cross-Origin-Opener-Policy (the connection popup, whose opener may be another origin:
 * `same-origin` would sever `window.opener`). Every other header, and those of every other response, are as
 * configured here.
 */
export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  const headers = secureHeaders({
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
  return async (c, next) => {
    let routeCsp: string | null = null;
    let routeCoop: string | null = null;
    await headers(c, async () => {
      await next();
      routeCsp = c.res.headers.get("Content-Security-Policy");
      routeCoop = c.res.headers.get("Cross-Origin-Opener-Policy");
    });
    if (routeCsp !== null) c.res.headers.set("Content-Security-Policy", routeCsp);
    if (routeCoop !== null) c.res.headers.set("Cross-Origin-Opener-Policy", routeCoop);
  };
}
