import type { Context } from "hono";
import { resolveSession } from "../services/sessions/resolve-session.ts";
import type { HttpDeps } from "./deps.ts";
import { readSessionToken } from "./session-cookie.ts";

/** The browser session the request's cookie names, if it is live. */
export async function currentSession(c: Context, deps: HttpDeps, now: Date) {
  const token = readSessionToken(c, deps.config.secureCookies);
  return token ? resolveSession(deps.orm.em.fork(), token, now, deps.config.sessionPolicy) : null;
}
