import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";

const COOKIE = "latch_upstream";

/**
 * The value binding upstream flows to this browser: a random cookie, HttpOnly and SameSite=Lax (the upstream's
 * redirect back is a top-level GET, which Lax allows). Path=/ so the start routes can read it: an existing value is
 * reused, and two flows started in two tabs of one browser both complete.
 */
export function ensureUpstreamBinding(c: Context, https: boolean): string {
  const existing = readUpstreamBinding(c);
  if (existing) return existing;
  const value = randomBytes(32).toString("base64url");
  setCookie(c, COOKIE, value, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: https,
    maxAge: 24 * 60 * 60,
  });
  return value;
}

export function readUpstreamBinding(c: Context): string | undefined {
  const value = getCookie(c, COOKIE);
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}
