import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { runWithRequestContext } from "../../request-context.ts";
import { withDefaultHeaders } from "../default-headers.ts";
import type { Metrics } from "../metrics.ts";
import { securityHeaderList } from "./security-headers.ts";

/** A caller-supplied request id is kept when it looks like one, so traces join up across a proxy. */
const GIVEN_REQUEST_ID = /^[\w.:-]{8,128}$/;

/**
 * What every request gets around its route: an id (answered as X-Request-Id and kept in the request context for
 * the logs), the security headers, and its latency in the metrics. One middleware rather than three, since each
 * layer of Hono's middleware chain costs every request an async frame of its own.
 */
export function requestEnvelope(options: { https: boolean; metrics: Metrics }): MiddlewareHandler {
  const security = securityHeaderList({ https: options.https });
  return async (c, next) => {
    const started = performance.now();
    const given = c.req.header("x-request-id");
    const requestId = given && GIVEN_REQUEST_ID.test(given) ? given : randomUUID();
    await withDefaultHeaders(c, [...security, ["X-Request-Id", requestId]], () =>
      runWithRequestContext({ requestId }, next),
    );
    // The last matched route's pattern ("/*" when none matched): never the raw path, which would explode the labels.
    const seconds = (performance.now() - started) / 1000;
    options.metrics.observeRequest(c.req.method, routePath(c, -1), c.res.status, seconds);
  };
}
