/**
 * Where a person goes after signing in: `return_to` and the authorization request it continues. Shared by the login,
 * upstream-login and sign-up pages.
 */

/** Where a sign-in without a (valid) `return_to` lands. */
export const DEFAULT_RETURN_TO = "/account/connections";

/** The authorization endpoint's paths (the seeds' aliases included): the routes serve these, and a `return_to` to one is branded. */
export const AUTHORIZE_PATHS = ["/oauth2/authorize", "/api/v1/oauth2/authorize", "/oauth/authorize"] as const;
const AUTHORIZE_PATH_SET = new Set<string>(AUTHORIZE_PATHS);

const MAX_RETURN_TO_LENGTH = 4096;

/**
 * `return_to` when it is a same-origin path, else {@link DEFAULT_RETURN_TO}: the open-redirect defence of the
 * login form. It must start with one `/` (not `//` or `/\`, which browsers read as another host), contain no
 * backslash or control character (browsers drop tabs and newlines, turning `/\t/evil` into `//evil`), and resolve
 * to PUBLIC_URL's origin. Returns the normalized path, query and fragment.
 */
export function safeReturnTo(value: unknown, publicUrl: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_RETURN_TO_LENGTH) return DEFAULT_RETURN_TO;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (!value.startsWith("/") || value.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(value)) {
    return DEFAULT_RETURN_TO;
  }
  const base = new URL(publicUrl);
  if (!URL.canParse(value, base)) return DEFAULT_RETURN_TO;
  const url = new URL(value, base);
  if (url.origin !== base.origin) return DEFAULT_RETURN_TO;
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * The `client_id` of the authorization request `returnTo` continues (one of the authorization endpoint's paths), or
 * null when it is not one.
 */
export function authorizeRequestClientId(returnTo: string, publicUrl: string): string | null {
  const url = new URL(returnTo, publicUrl);
  const clientId = url.searchParams.get("client_id");
  if (!AUTHORIZE_PATH_SET.has(url.pathname) || !clientId || clientId.length > 200) return null;
  return clientId;
}

const CONNECTION_START = /^\/connections\/([^/]{1,100})\/start$/;

/**
 * The integration id of the connection start (`/connections/:integrationId/start`, seed 004's Connect popup) that
 * `returnTo` continues, or null when it is not one.
 */
export function connectionStartIntegrationId(returnTo: string, publicUrl: string): string | null {
  return CONNECTION_START.exec(new URL(returnTo, publicUrl).pathname)?.[1] ?? null;
}
