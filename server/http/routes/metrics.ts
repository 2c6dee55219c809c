import type { Hono } from "hono";
import type { Config } from "../../config.ts";
import { safeEqual } from "../../crypto/sha256.ts";
import { jsonError } from "../json-error.ts";
import type { Metrics } from "../metrics.ts";

/** Whether `header` is `Bearer <token>`, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  return safeEqual(header?.startsWith("Bearer ") ? header.slice(7) : "", token);
}

/**
 * `GET /metrics`: Prometheus' text exposition of the process and request metrics. With `LATCH_METRICS_TOKEN` set, a
 * scraper must send it as a bearer token; without it, anyone who can reach the port may read the metrics (they hold
 * counts and timings, never a token or an id), so keep the port internal or set the token.
 */
export function registerMetricsRoute(router: Hono, config: Pick<Config, "metricsToken">, metrics: Metrics): void {
  router.get("/metrics", async (c) => {
    if (config.metricsToken !== undefined && !bearerMatches(c.req.header("authorization"), config.metricsToken)) {
      return jsonError(c, 401, "invalid_token", "GET /metrics needs the metrics bearer token", {
        "WWW-Authenticate": 'Bearer realm="latch-metrics"',
      });
    }
    return c.body(await metrics.registry.metrics(), 200, {
      "Content-Type": metrics.registry.contentType,
      "Cache-Control": "no-store",
    });
  });
}
