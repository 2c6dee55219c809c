import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signs a JSON payload with an expiry: `base64url(json).base64url(HMAC-SHA256)`. For short-lived state that
 * round-trips through a browser (the consent form's request id), where a database row would only add a write.
 */
export function signPayload(key: Uint8Array, payload: Record<string, unknown>, expiresAt: Date): string {
  const body = Buffer.from(JSON.stringify({ ...payload, exp: Math.floor(expiresAt.getTime() / 1000) })).toString(
    "base64url",
  );
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}

/** The payload of a token made by {@link signPayload}, or null when it is forged, malformed or expired. */
export function verifyPayload<T extends Record<string, unknown>>(key: Uint8Array, token: string, now: Date): T | null {
  const [body, mac, extra] = token.split(".");
  if (!body || !mac || extra !== undefined) return null;
  const expected = createHmac("sha256", key).update(body).digest();
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as T & { exp?: unknown };
    if (typeof payload.exp !== "number" || payload.exp * 1000 <= now.getTime()) return null;
    return payload;
  } catch {
    return null;
  }
}
