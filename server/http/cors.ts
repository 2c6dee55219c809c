/**
 * Cross-origin policy of the control plane (/graphql), as plain decisions on plain request facts.
 *
 * - Pages of a trusted origin (PUBLIC_URL's, and each of LATCH_CORS_ORIGINS) may call with credentials: the answer
 *   names their origin and carries `Access-Control-Allow-Credentials: true`.
 * - Any other origin gets `Access-Control-Allow-Origin: *` and no credentials: a script there may call with an API
 *   key it holds (`Authorization: Bearer`), and a browser refuses to show it an answer to a request that carried
 *   cookies (Fetch standard, CORS check).
 * - The server does not rely on the browser for that: a request whose session cookie comes from an untrusted origin
 *   is refused before it is authenticated ({@link maySendCookies}). "Same site" is no defence here: another port of
 *   localhost or a sibling subdomain is same-site, so SameSite=Lax cookies go along.
 *
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */

/** Who may call with the session cookie: exact origins (`scheme://host[:port]`). */
export type CorsPolicy = { readonly credentialedOrigins: ReadonlySet<string> };

/** The request facts the policy reads (header values, or undefined when absent). */
export type CorsRequest = {
  readonly method: string;
  readonly origin: string | undefined;
  /** `Sec-Fetch-Site`, which browsers send even where they send no `Origin` (a no-cors GET). */
  readonly fetchSite: string | undefined;
  readonly requestMethod?: string | undefined;
};

/** The headers a cross-origin caller may send; `Latch-Organization` only matters with the session cookie. */
const BEARER_HEADERS = "authorization, content-type, accept";
const CREDENTIALED_HEADERS = `${BEARER_HEADERS}, latch-organization`;
const METHODS = "GET, POST";
/** How long a browser may keep a preflight's answer (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** The policy for a deployment: PUBLIC_URL's own origin plus LATCH_CORS_ORIGINS. */
export function corsPolicy(publicUrl: string, corsOrigins: readonly string[]): CorsPolicy {
  return { credentialedOrigins: new Set([new URL(publicUrl).origin, ...corsOrigins]) };
}

/**
 * Whether a request may be authenticated by the session cookie: its `Origin` is trusted, or it has none and the
 * browser does not say it comes from another site (`Sec-Fetch-Site: cross-site` / `same-site`). Non-browser
 * clients send neither header. `Origin: null` (sandboxed frames, file pages) is never trusted.
 */
export function maySendCookies(policy: CorsPolicy, request: Pick<CorsRequest, "origin" | "fetchSite">): boolean {
  if (request.origin !== undefined) return policy.credentialedOrigins.has(request.origin);
  return request.fetchSite !== "cross-site" && request.fetchSite !== "same-site";
}

/** Whether the request is a CORS preflight (RFC-less, Fetch standard: OPTIONS with Access-Control-Request-Method). */
export function isPreflight(request: CorsRequest): boolean {
  return request.method === "OPTIONS" && request.origin !== undefined && request.requestMethod !== undefined;
}

/**
 * The CORS response headers for a request (its preflight included); none without an `Origin`. `Vary: Origin` always
 * accompanies them, since the answer differs by origin.
 */
export function corsHeaders(policy: CorsPolicy, request: CorsRequest): Record<string, string> {
  const origin = request.origin;
  if (origin === undefined) return {};
  const trusted = policy.credentialedOrigins.has(origin);
  const headers: Record<string, string> = trusted
    ? { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", Vary: "Origin" }
    : { "Access-Control-Allow-Origin": "*", Vary: "Origin" };
  if (isPreflight(request)) {
    headers["Access-Control-Allow-Methods"] = METHODS;
    headers["Access-Control-Allow-Headers"] = trusted ? CREDENTIALED_HEADERS : BEARER_HEADERS;
    headers["Access-Control-Max-Age"] = String(PREFLIGHT_MAX_AGE_SECONDS);
  }
  return headers;
}
