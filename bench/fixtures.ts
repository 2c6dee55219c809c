/** Values both servers are configured with, so their requests and tokens have the same shape. */

/** The one scope every benchmark token carries (a workspace scope of Latch's catalogue). */
export const BENCH_SCOPE = "agents:read";

/** The redirect URI of the web clients (loopback, as Latch's tests use). */
export const REDIRECT_URI = "http://127.0.0.1:8787/callback";

/** The peer's resource server: its JWT access tokens are issued for it (RFC 8707). */
export const RESOURCE = "urn:latch:bench";
