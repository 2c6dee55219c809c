import type { Hono } from "hono";
import { sendJson } from "../send-json.ts";

/** Liveness: the process answers. Deliberately does not touch the database, so a database outage never restarts us. */
export function registerHealthRoute(router: Hono): void {
  router.get("/healthz", (c) => sendJson(c, { status: "ok" }, 200, { "Cache-Control": "no-store" }));
}
