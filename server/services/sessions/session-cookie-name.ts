/** The browser session cookie's name over plain http (local development and tests). */
export const SESSION_COOKIE = "latch_session";
/**
 * Its name over https: the `__Host-` prefix makes browsers refuse it unless Secure, Path=/ and host-only, so a
 * sibling subdomain cannot plant (toss) a session cookie on us.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The session cookie's name for a deployment whose PUBLIC_URL is (or is not) https. Both faces read it. */
export function sessionCookieName(https: boolean): string {
  return https ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}
