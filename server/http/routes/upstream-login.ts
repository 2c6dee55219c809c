import type { Context, Hono } from "hono";
import type { HttpDeps } from "../deps.ts";
import type { UpstreamCallback } from "./oauth-callback.ts";

// STUB (to be implemented): the start of a sign-in through an app's identity provider.
export function registerUpstreamLoginRoutes(_router: Hono, _deps: HttpDeps): void {}

// STUB (to be implemented): the callback half of an upstream login.
export async function completeUpstreamLogin(
  c: Context,
  _deps: HttpDeps,
  _callback: UpstreamCallback,
): Promise<Response> {
  return c.text("not implemented", 501);
}
