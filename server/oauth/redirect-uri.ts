/** Longest redirect URI accepted at registration: longer ones are abuse, and browsers truncate URLs near 2 KB. */
export const MAX_REDIRECT_URI_LENGTH = 2000;

const LOOPBACK_HTTP_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

// RFC 3986 Appendix B, on the raw string: matching compares raw strings, so validation must not look at a
// WHATWG-normalised form ("http://127.1" parses as 127.0.0.1, "https:///x" gains a host).
const URI_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;
const AUTHORITY = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/;
// RFC 8252 §7.3: only loopback IP literals get the any-port rule; "localhost" may resolve elsewhere (§8.3).
const LOOPBACK_IP = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?(?=[/?]|$)(.*)$/;

/**
 * The parameters an authorization response adds to the redirect URI (RFC 6749 §4.1.2, §4.1.2.1, §4.2.2; RFC 9207
 * §2; OIDC Core §3.2.2.5; OIDC Session Management §3). A registered query holding one would be sent back beside the
 * server's own, and a client reading the first `code` or `state` reads the registration's, not ours.
 */
export const RESPONSE_PARAMETER_NAMES = [
  "code",
  "state",
  "error",
  "error_description",
  "error_uri",
  "iss",
  "access_token",
  "id_token",
  "token_type",
  "expires_in",
  "session_state",
] as const;

/**
 * Schemes with a meaning of their own in browsers or operating systems: never a private-use redirect (RFC 8252 §7.1
 * private-use schemes are ones no one else defines; these run script, read local files or open other programs).
 */
export const RESERVED_SCHEMES: ReadonlySet<string> = new Set([
  "about",
  "blob",
  "chrome",
  "chrome-extension",
  "data",
  "file",
  "filesystem",
  "ftp",
  "intent",
  "javascript",
  "jar",
  "mailto",
  "moz-extension",
  "ms-settings",
  "sms",
  "tel",
  "urn",
  "vbscript",
  "view-source",
  "ws",
  "wss",
]);

/** Why a single-word private-use scheme (`myapp:`) is weaker than a reverse-domain one, shown wherever one is saved. */
export const SINGLE_WORD_SCHEME_ADVICE =
  "a single-word scheme can be claimed by any app on the device; a reverse-domain scheme such as com.example.app:/callback is safer (RFC 8252 §7.1). PKCE is required for this redirect URI.";

type Registration = { ok: true; uri: string; advice?: string } | { ok: false; reason: string };

/**
 * Checks a redirect URI an app registers: absolute; https, http only on localhost/127.0.0.1/[::1], or a
 * private-use scheme for native apps; no fragment, userinfo or wildcard (RFC 6749 §3.1.2, RFC 8252 §7.1/§7.3/§8.4,
 * RFC 9700 §4.1.3). A reverse-domain scheme is what RFC 8252 §7.1 asks for (SHOULD); a single-word one (`myapp://cb`,
 * as seed 003 registers) is accepted with {@link SINGLE_WORD_SCHEME_ADVICE}, and authorization requests to it must use
 * PKCE ({@link requiresPkce}), but a scheme browsers or systems already define is refused.
 */
export function validateRedirectUriRegistration(uri: string): Registration {
  const fail = (reason: string): Registration => ({ ok: false, reason });
  if (uri.length === 0) return fail("the redirect URI is empty");
  if (uri.length > MAX_REDIRECT_URI_LENGTH) {
    return fail(`the redirect URI is longer than ${MAX_REDIRECT_URI_LENGTH} characters`);
  }
  // Checked before parsing, so a stray space or newline is reported as such rather than as "not absolute".
  if (/[\p{Cc}\s]/u.test(uri)) return fail("the redirect URI must not contain whitespace or control characters");
  if (/[^\x21-\x7e]/.test(uri)) {
    return fail("the redirect URI must contain only ASCII characters (percent-encode others)");
  }
  if (uri.includes("*")) return fail("the redirect URI must not contain a wildcard (*): matching is exact");
  if (uri.includes("#")) return fail("the redirect URI must not contain a fragment (#)");
  const parts = URI_PARTS.exec(uri);
  if (!parts || !URL.canParse(uri)) return fail("the redirect URI must be an absolute URI with a scheme");
  const scheme = parts[1]!.toLowerCase();
  const authority = parts[2];
  if (authority?.includes("@")) return fail("the redirect URI must not contain userinfo (user:password@)");
  const clash = responseParameterIn(parts[4]);
  if (clash !== undefined) {
    return fail(`the redirect URI's query must not carry "${clash}": the authorization response adds that parameter`);
  }

  if (scheme === "https" || scheme === "http") {
    const hostPort = authority === undefined ? null : AUTHORITY.exec(authority);
    const host = hostPort?.[1]?.toLowerCase();
    if (!hostPort || !host) return fail(`the redirect URI must name a host after "${scheme}://"`);
    const port = hostPort[2];
    if (port !== undefined && (port === "" || Number(port) > 65535))
      return fail("the redirect URI has an invalid port");
    if (scheme === "http" && !LOOPBACK_HTTP_HOSTS.includes(host)) {
      return fail("the redirect URI must use https; http is allowed only on localhost, 127.0.0.1 and [::1]");
    }
    return { ok: true, uri };
  }
  if (RESERVED_SCHEMES.has(scheme)) {
    return fail(
      `the scheme "${scheme}" is not allowed: use https, http on loopback, or a reverse-domain private-use scheme such as com.example.app (RFC 8252 §7.1)`,
    );
  }
  if (!scheme.includes(".")) return { ok: true, uri, advice: SINGLE_WORD_SCHEME_ADVICE };
  return { ok: true, uri };
}

/**
 * The advice to show beside a registered redirect URI, or null: only single-word private-use schemes get one.
 */
export function redirectUriAdvice(uri: string): string | null {
  const result = validateRedirectUriRegistration(uri);
  return result.ok ? (result.advice ?? null) : null;
}

/**
 * Whether an authorization request to `redirectUri` must carry a PKCE challenge whatever the client type: a
 * private-use scheme can be claimed by another app on the device, and only PKCE keeps a code intercepted there
 * useless (RFC 8252 §8.1, RFC 7636 §1).
 */
export function requiresPkce(redirectUri: string): boolean {
  const scheme = URI_PARTS.exec(redirectUri)?.[1]?.toLowerCase();
  return scheme !== undefined && scheme !== "https" && scheme !== "http";
}

/** The first response parameter name the raw query names (percent-decoded, as a client would read it), if any. */
function responseParameterIn(query: string | undefined): string | undefined {
  if (!query) return undefined;
  const names = new Set(new URLSearchParams(query).keys());
  return RESPONSE_PARAMETER_NAMES.find((name) => names.has(name));
}

/**
 * The redirect URI to use for `requested`, or null: exact string comparison against `registered` (RFC 9700
 * §4.1.3), except that any port matches on http://127.0.0.1 and http://[::1] (RFC 8252 §7.3). Returns
 * `requested` itself so the response reaches the port the native app listens on.
 */
export function matchRedirectUri(requested: string, registered: readonly string[]): string | null {
  if (registered.includes(requested)) return requested;
  const key = loopbackKey(requested);
  if (key === null) return null;
  return registered.some((uri) => loopbackKey(uri) === key) ? requested : null;
}

/** A loopback IP redirect URI with its port removed, or null for any other URI. */
function loopbackKey(uri: string): string | null {
  const match = LOOPBACK_IP.exec(uri);
  if (!match) return null;
  const port = match[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return null;
  return `http://${match[1]}${match[3]}`;
}
