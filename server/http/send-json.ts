import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { nodeResponseOf } from "./default-headers.ts";

/**
 * Answers `body` as JSON with `headers` (Cache-Control, a challenge). Served by Node, the headers go straight onto
 * Node's response and Hono sends the body with its content type alone: for a response with more than one header
 * Hono builds a web Headers object, which cost a token request about 7 µs. The headers are set when it is called:
 * call it to answer, never to build a response that may be thrown away.
 */
export function sendJson(
  c: Context,
  body: object,
  status: ContentfulStatusCode,
  headers: Readonly<Record<string, string>> = {},
): Response {
  const outgoing = nodeResponseOf(c);
  if (!outgoing) return c.json(body, status, headers);
  let contentType: Record<string, string> | undefined;
  for (const name in headers) {
    // Hono writes the content type with the body, over any set on Node's response: a route's own goes with it.
    if (name.toLowerCase() === "content-type") contentType = { "Content-Type": headers[name]! };
    else outgoing.setHeader(name, headers[name]!);
  }
  return c.json(body, status, contentType);
}
