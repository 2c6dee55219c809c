import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/** The browser session cookie's name over plain http (local development and tests). */
export const SESSION_COOKIE = "latch_session";
/**
 * Its name over https: the `__Host-` prefix makes browsers refuse it unless Secure, Path=/ and host-only, so a
 * sibling subdomain cannot plant (toss) a session cookie on us.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The session cookie's name for a deployment whose PUBLIC_URL is (or is not) https. */
export function sessionCookieName(https: boolean): string {
  return https ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The session token the browser presented, or undefined. Only a lookup can tell whether it is valid. */
export function readSessionToken(c: Context, https: boolean): string | undefined {
  return getCookie(c, sessionCookieName(https)) || undefined;
}

/**
 * Sets the session cookie: HttpOnly (no script reads it), SameSite=Lax (sent on top-level navigations from an app
 * back to /oauth2/authorize, never on cross-site POSTs), Path=/, Secure over https, expiring with the session.
 */
export function setSessionCookie(c: Context, token: string, expiresAt: Date, https: boolean): void {
  setCookie(c, sessionCookieName(https), token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: https,
    expires: expiresAt,
  });
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(c: Context, https: boolean): void {
  deleteCookie(c, sessionCookieName(https), { httpOnly: true, sameSite: "Lax", path: "/", secure: https });
}
