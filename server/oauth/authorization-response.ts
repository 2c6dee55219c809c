/**
 * The redirect URI with the response parameters appended (code/state/iss or error/error_description/state/iss),
 * keeping its own query exactly as registered (RFC 6749 §3.1.2, §4.1.2; RFC 9207 §2). Undefined values are skipped.
 */
export function buildAuthorizationRedirect(redirectUri: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value);
  const added = query.toString();
  // Registered URIs have no fragment (§3.1.2); dropping one here keeps the parameters out of reach of scripts.
  const base = redirectUri.split("#", 1)[0]!;
  if (added === "") return base;
  if (!base.includes("?")) return `${base}?${added}`;
  return base.endsWith("?") || base.endsWith("&") ? `${base}${added}` : `${base}&${added}`;
}
