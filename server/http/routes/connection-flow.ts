import type { Context, Hono } from "hono";
import { UpstreamError } from "../../connections/upstream-error.ts";
import { startConnection } from "../../services/connections/start-connection.ts";
import { NotFoundError, ValidationError } from "../../services/errors.ts";
import { POPUP_OPENER_POLICY } from "../connection-callback.ts";
import { currentSession } from "../current-session.ts";
import type { HttpDeps } from "../deps.ts";
import { sendErrorPage } from "../page-response.ts";
import { ensureUpstreamBinding } from "../upstream-binding-cookie.ts";

/**
 * `GET /connections/:integrationId/start[?origin=<opener origin>]`: the "Connect" step a page opens in a popup.
 * A signed-in member of the integration's organization is sent to the upstream's consent (authorization code with
 * PKCE); anyone else to the login page first. The result comes back at `/oauth/callback`.
 */
export function registerConnectionFlowRoutes(router: Hono, deps: HttpDeps): void {
  const https = deps.config.secureCookies;
  router.get("/connections/:integrationId/start", async (c) => {
    const now = new Date();
    const session = await currentSession(c, deps, now);
    if (!session) {
      const here = new URL(c.req.url);
      return c.redirect(`/login?return_to=${encodeURIComponent(`${here.pathname}${here.search}`)}`, 302);
    }
    try {
      const started = await startConnection(
        deps.orm.em.fork(),
        deps.keyring,
        {
          integrationId: c.req.param("integrationId"),
          userId: session.user.id,
          requestedOrigin: c.req.query("origin"),
          browserBinding: ensureUpstreamBinding(c, https),
          publicUrl: deps.config.publicUrl,
        },
        now,
      );
      c.header("Cross-Origin-Opener-Policy", POPUP_OPENER_POLICY["Cross-Origin-Opener-Policy"]);
      return c.redirect(started.authorizationUrl.toString(), 302);
    } catch (error) {
      return startErrorPage(c, deps, error);
    }
  });
}

function startErrorPage(c: Context, deps: HttpDeps, error: unknown): Response {
  const page = (status: 400 | 404, title: string, message: string) => sendErrorPage(c, status, title, message);
  if (error instanceof NotFoundError) {
    return page(
      404,
      "Integration not found",
      "This integration does not exist, or you are not a member of its workspace.",
    );
  }
  if (error instanceof ValidationError) {
    return page(400, "Connection not allowed", "This page may not start a connection. Start it again from the app.");
  }
  if (error instanceof UpstreamError) {
    deps.logger.warn({ code: error.code, reason: error.message }, "connection start refused");
    return page(
      400,
      "Connection not available",
      "This integration is not set up correctly. Ask an administrator to check it.",
    );
  }
  throw error;
}
