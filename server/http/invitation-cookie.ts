import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/**
 * The invitation link's token, moved out of the URL into a cookie on the link's first request: the accept page, the
 * sign-in detour and its `return_to` then carry no secret in an address (history, logs, Referer). HttpOnly,
 * SameSite=Lax, `__Host-` over https, an hour.
 */
const NAME = "latch_invitation";
const MAX_AGE_SECONDS = 60 * 60;
const TOKEN = /^[A-Za-z0-9_]{1,100}$/;

const cookieName = (https: boolean) => (https ? `__Host-${NAME}` : NAME);

export function setInvitationCookie(c: Context, token: string, https: boolean): void {
  setCookie(c, cookieName(https), token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: https,
    maxAge: MAX_AGE_SECONDS,
  });
}

/** The token the browser holds, when it looks like one (only a lookup tells whether it is valid). */
export function readInvitationCookie(c: Context, https: boolean): string | undefined {
  const value = getCookie(c, cookieName(https));
  return value !== undefined && TOKEN.test(value) ? value : undefined;
}

export function clearInvitationCookie(c: Context, https: boolean): void {
  deleteCookie(c, cookieName(https), { httpOnly: true, sameSite: "Lax", path: "/", secure: https });
}
