import type { Context, Hono } from "hono";
import type { HttpDeps } from "../deps.ts";
import type { UpstreamCallback } from "./oauth-callback.ts";

// STUB (to be implemented): `/connections/:integrationId/start`, the popup "Connect" step.
export function registerConnectionFlowRoutes(_router: Hono, _deps: HttpDeps): void {}

// STUB (to be implemented): the callback half of a connection.
export async function completeConnectionCallback(
  c: Context,
  _deps: HttpDeps,
  _callback: UpstreamCallback,
): Promise<Response> {
  return c.text("not implemented", 501);
}
