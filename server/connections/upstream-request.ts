import * as oauth from "oauth4webapi";
import { guardedFetch, type UpstreamNetwork } from "./upstream-fetch.ts";
import { isLoopbackHost } from "./upstream-url.ts";

export type { UpstreamNetwork } from "./upstream-fetch.ts";

/** How long one call to an upstream may take before it counts as unreachable. */
export const UPSTREAM_TIMEOUT_MS = 10_000;

/**
 * oauth4webapi options for a call to `url`: a timeout, the address guard of `network` (every connection goes through
 * {@link guardedFetch}), and plain http allowed only for loopback URLs, which {@link assessUpstreamUrl} admits only
 * outside production. Everything else must be https (oauth4webapi's default).
 */
export function upstreamRequestOptions(
  url: string | URL,
  network: UpstreamNetwork,
): {
  signal: () => AbortSignal;
  [oauth.customFetch]: ReturnType<typeof guardedFetch>;
  [oauth.allowInsecureRequests]?: boolean;
} {
  const parsed = new URL(url);
  return {
    signal: () => AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    [oauth.customFetch]: guardedFetch(network),
    ...(parsed.protocol === "http:" && isLoopbackHost(parsed.hostname) && { [oauth.allowInsecureRequests]: true }),
  };
}
