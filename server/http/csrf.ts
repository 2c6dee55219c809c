/**
 * Cross-site request forgery defence for the HTML forms (login, logout, consent, disconnect).
 *
 * Design:
 * - A form carries `csrf_token` = base64url(HMAC-SHA256(K, binding)), where K is derived from the active master
 *   key with HKDF-SHA256 (info "latch csrf v1"), so tokens need no storage and are worthless on another deployment.
 * - Once signed in, the binding is the session id: a token works only with the session cookie it was issued for,
 *   which an attacker's page can neither read nor set.
 * - Before login (the login form itself, against login CSRF), the binding is a random value in the HttpOnly
 *   `latch_csrf` cookie (`__Host-latch_csrf` over https, so a sibling subdomain cannot toss one in): a signed
 *   double submit. The attacker cannot read the victim's cookie, and cannot forge a token for a cookie it planted
 *   without K.
 * - On every POST, an `Origin` header, when the browser sends one, must be PUBLIC_URL's origin (defence in
 *   depth; `Origin: null` fails too).
 * - Comparison is constant-time. Rotating the master key invalidates open forms (people retry), nothing else.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { safeEqual } from "../crypto/sha256.ts";

/** The pre-login CSRF cookie's name over plain http; over https it carries the `__Host-` prefix. */
export const CSRF_COOKIE = "latch_csrf";
/** How long the pre-login cookie lives: a sign-in form left open longer is re-issued on submit. */
export const CSRF_COOKIE_MAX_AGE_SECONDS = 24 * 60 * 60;

/** What a token is bound to: the signed-in session, or the pre-login `latch_csrf` cookie's value. */
export type CsrfBinding = { readonly sessionId: string } | { readonly anonymousId: string };

const ANONYMOUS_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * The token to embed as `csrf_token` in a form the holder of `binding` will submit.
 *
 * @example
 * ```ts
 * const token = issueCsrfToken(deps.runtime.csrfKey, { sessionId: session.sessionId });
 * ```
 */
export function issueCsrfToken(key: Buffer, binding: CsrfBinding): string {
  const message = "sessionId" in binding ? `session\0${binding.sessionId}` : `anonymous\0${binding.anonymousId}`;
  return createHmac("sha256", key).update(message, "utf8").digest("base64url");
}

/** Whether `presented` is the token {@link issueCsrfToken} gives for `binding`, compared in constant time. */
export function verifyCsrfToken(key: Buffer, binding: CsrfBinding, presented: unknown): boolean {
  if (typeof presented !== "string" || presented.length === 0 || presented.length > 128) return false;
  return safeEqual(presented, issueCsrfToken(key, binding));
}

/**
 * Whether a POST's `Origin` header is acceptable: absent (older browsers, non-browser clients, which carry no
 * ambient cookies worth forging with), or exactly PUBLIC_URL's origin.
 */
export function isAllowedOrigin(origin: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true;
  return origin === new URL(publicUrl).origin;
}

/** The pre-login CSRF cookie's name for a deployment whose PUBLIC_URL is (or is not) https. */
export function csrfCookieName(https: boolean): string {
  return https ? `__Host-${CSRF_COOKIE}` : CSRF_COOKIE;
}

/** The well-formed pre-login CSRF id the browser presented, or undefined. */
export function readAnonymousCsrfId(c: Context, https: boolean): string | undefined {
  const value = getCookie(c, csrfCookieName(https));
  return value !== undefined && ANONYMOUS_ID.test(value) ? value : undefined;
}

/** The browser's pre-login CSRF id, minting one and setting its cookie when it has none (or a malformed one). */
export function ensureAnonymousCsrfId(c: Context, https: boolean): string {
  const id = readAnonymousCsrfId(c, https) ?? randomBytes(32).toString("base64url");
  // Re-set every time: it extends the cookie while the person keeps using the form.
  setCookie(c, csrfCookieName(https), id, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: https,
    maxAge: CSRF_COOKIE_MAX_AGE_SECONDS,
  });
  return id;
}

/**
 * The whole check for one form POST: Origin (when present) is ours and `csrf_token` matches `binding`. A missing
 * binding (no pre-login cookie) fails.
 */
export function checkCsrf(
  c: Context,
  options: { readonly key: Buffer; readonly publicUrl: string; readonly binding: CsrfBinding | undefined },
  presented: unknown,
): boolean {
  if (!isAllowedOrigin(c.req.header("origin"), options.publicUrl)) return false;
  return options.binding !== undefined && verifyCsrfToken(options.key, options.binding, presented);
}
