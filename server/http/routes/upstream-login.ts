import type { Hono } from "hono";
import { startUpstreamLogin } from "../../services/users/start-upstream-login.ts";
import type { HttpDeps } from "../deps.ts";
import { sendErrorPage } from "../page-response.ts";
import { REAUTHENTICATION_PARAM } from "../reauthentication-marker.ts";
import { authorizeRequestClientId, safeReturnTo } from "../return-to.ts";
import { ensureUpstreamBinding } from "../upstream-binding-cookie.ts";
import { upstreamLoginFailurePage } from "../upstream-login-pages.ts";

/**
 * `GET /login/providers/:providerId/start?return_to=…`: the "Continue with …" button. The provider must be an
 * enabled one of the app whose authorization request `return_to` continues; the browser goes to the provider's
 * authorization endpoint, and comes back at `/oauth/callback` (answered by `answerUpstreamLogin`). A provider that
 * cannot be reached or is misconfigured ends on a readable page.
 */
export function registerUpstreamLoginRoutes(router: Hono, deps: HttpDeps): void {
  router.get("/login/providers/:providerId/start", async (c) => {
    const returnTo = safeReturnTo(c.req.query("return_to"), deps.config.publicUrl);
    const result = await startUpstreamLogin(
      deps.orm.em.fork(),
      {
        keyring: deps.keyring,
        publicUrl: deps.config.publicUrl,
        production: deps.config.production,
        network: { allowPrivate: deps.config.allowPrivateWebhooks },
      },
      {
        providerId: c.req.param("providerId") ?? "",
        clientId: authorizeRequestClientId(returnTo, deps.config.publicUrl),
        returnTo,
        browserBinding: ensureUpstreamBinding(c, deps.config.secureCookies),
        // A hint for the provider only: Latch's own check of the fresh sign-in is the marker's (authorize.ts).
        reauthenticate: new URL(returnTo, deps.config.publicUrl).searchParams.has(REAUTHENTICATION_PARAM),
      },
      new Date(),
    );
    if (!result.ok && result.reason === "not_found") {
      return sendErrorPage(
        c,
        404,
        "This sign-in option isn't available",
        "Go back to the app and start signing in again.",
      );
    }
    if (!result.ok) return upstreamLoginFailurePage(c, deps, result.provider, result.error);
    c.header("Cache-Control", "no-store");
    return c.redirect(result.authorizeUrl.toString(), 302);
  });
}
