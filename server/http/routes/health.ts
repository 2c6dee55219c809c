import type { Hono } from "hono";

/** Liveness: the process answers. Deliberately does not touch the database, so a database outage never restarts us. */
export function registerHealthRoute(router: Hono): void {
  router.get("/healthz", (c) => c.json({ status: "ok" }, 200, { "Cache-Control": "no-store" }));
}
