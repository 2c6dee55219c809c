import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionCookieName } from "../services/sessions/session-cookie-name.ts";

export { SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionCookieName };

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
