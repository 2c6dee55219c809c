import type { Hono } from "hono";
import type { HttpDeps } from "../deps.ts";
import { jsonError, RETRY_AFTER_SECONDS } from "../json-error.ts";
import { sendJson } from "../send-json.ts";

const CHECK_TIMEOUT_MS = 2_000;

/** Readiness: the database answers a query within two seconds; otherwise 503 so load balancers route around us. */
export function registerReadyzRoute(router: Hono, deps: HttpDeps): void {
  router.get("/readyz", async (c) => {
    const check = deps.orm.em.getConnection().execute("select 1 as ok");
    const timeout = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error("database check timed out")), CHECK_TIMEOUT_MS).unref();
    });
    try {
      await Promise.race([check, timeout]);
      return sendJson(c, { status: "ready", database: "ok" }, 200, { "Cache-Control": "no-store" });
    } catch (error) {
      deps.logger.warn({ err: error }, "readiness check failed");
      return jsonError(c, 503, "database_unavailable", "The database is not answering", {
        "Retry-After": String(RETRY_AFTER_SECONDS),
      });
    }
  });
}
