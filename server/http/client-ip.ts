import { isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The client's address given `trustedHops` reverse proxies in front of Latch (`LATCH_TRUSTED_PROXY_HOPS`). Each proxy
 * appends the address it received the request from to X-Forwarded-For, so with N trusted proxies the client is the
 * N-th address from the right of (X-Forwarded-For, socket address); anything further left was written by the client
 * and proves nothing. With 0 the header is ignored: a client could write any address there.
 */
export function resolveClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedHops: number,
): string {
  const socket = socketAddress ?? "unknown";
  if (trustedHops <= 0 || !forwardedFor) return socket;
  const chain = [...forwardedFor.split(",").map((entry) => entry.trim()), socket];
  const candidate = chain[Math.max(0, chain.length - 1 - trustedHops)]!;
  // A malformed entry (or a proxy that wrote something else) must not become a rate-limit key an attacker picks.
  return isIP(candidate) ? candidate : socket;
}

/** The requesting client's address for rate limits and the session and audit records. */
export function clientIp(c: Context, trustedHops: number): string {
  let socket: string | undefined;
  try {
    socket = getConnInfo(c).remote.address;
  } catch {
    // app.request() in tests has no socket.
  }
  return resolveClientAddress(socket, c.req.header("x-forwarded-for"), trustedHops);
}
