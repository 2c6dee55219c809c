import * as oauth from "oauth4webapi";
import { isLoopbackHost } from "./upstream-url.ts";

/** How long one call to an upstream may take before it counts as unreachable. */
export const UPSTREAM_TIMEOUT_MS = 10_000;

/**
 * oauth4webapi options for a call to `url`: a timeout, and plain http allowed only for loopback URLs, which
 * {@link checkUpstreamUrl} admitted only outside production. Everything else must be https (oauth4webapi's default).
 */
export function upstreamRequestOptions(url: string | URL): {
  signal: () => AbortSignal;
  [oauth.allowInsecureRequests]?: boolean;
} {
  const parsed = new URL(url);
  return {
    signal: () => AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    ...(parsed.protocol === "http:" && isLoopbackHost(parsed.hostname) && { [oauth.allowInsecureRequests]: true }),
  };
}
