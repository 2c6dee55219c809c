import type { ServerResponse } from "node:http";
import type { HttpBindings } from "@hono/node-server";
import type { Context, Next } from "hono";

/** Header name and value pairs, in the order they are written. */
export type HeaderList = readonly (readonly [name: string, value: string])[];

/**
 * Gives a response `headers` unless its route sets its own value of one. Served by Node, they go on Node's response
 * before the route runs, and Node lays the route's own headers over them when it writes the head: no web `Headers`
 * object is built, filled and copied for them, which had cost a token request about a fifth of its CPU. Anywhere
 * else (`app.request` in a test), they are added to the finished response where it lacks them.
 */
export async function withDefaultHeaders(c: Context, headers: HeaderList, next: Next): Promise<void> {
  const outgoing = nodeResponseOf(c);
  if (outgoing) {
    for (const [name, value] of headers) outgoing.setHeader(name, value);
    return next();
  }
  await next();
  for (const [name, value] of headers) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
}

/** Node's response for the request `c` serves, when @hono/node-server serves it (not in `app.request`). */
export function nodeResponseOf(c: Context): ServerResponse | undefined {
  return (c.env as Partial<HttpBindings> | undefined)?.outgoing as ServerResponse | undefined;
}
