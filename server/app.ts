import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { isDatabaseUnavailable } from "./db/unavailable.ts";
import { isUnstorableText, UNSTORABLE_TEXT_MESSAGE } from "./db/unstorable-text.ts";
import { createGraphQLHandler } from "./graphql/yoga.ts";
import { corsHeaders, corsPolicy, isPreflight, maySendCookies } from "./http/cors.ts";
import type { HttpDeps } from "./http/deps.ts";
import { jsonError, RETRY_AFTER_SECONDS } from "./http/json-error.ts";
import { createMetrics } from "./http/metrics.ts";
import { requestEnvelope } from "./http/middleware/request-envelope.ts";
import { registerAccountConnectionsRoutes } from "./http/routes/account-connections.ts";
import { registerAccountDeleteRoutes } from "./http/routes/account-delete.ts";
import { registerAccountEmailConfirmRoutes } from "./http/routes/account-email-confirm.ts";
import { registerAccountIntegrationsRoutes } from "./http/routes/account-integrations.ts";
import { registerAccountPasswordRoutes } from "./http/routes/account-password.ts";
import { registerAccountProfileRoutes } from "./http/routes/account-profile.ts";
import { registerAccountSecurityRoutes } from "./http/routes/account-security.ts";
import { registerAccountSessionsRoutes } from "./http/routes/account-sessions.ts";
import { registerAdminApplicationRoutes } from "./http/routes/admin-applications.ts";
import { registerAdminProviderRoutes } from "./http/routes/admin-providers.ts";
import { registerAdminWebhookRoutes } from "./http/routes/admin-webhooks.ts";
import { registerAuthorizeRoute } from "./http/routes/authorize.ts";
import { registerAuthorizeDecisionRoute } from "./http/routes/authorize-decision.ts";
import { registerConnectionFlowRoutes } from "./http/routes/connection-flow.ts";
import { CONSOLE_DIST, registerConsoleRoutes } from "./http/routes/console.ts";
import { registerConsolePreviewRoutes } from "./http/routes/console-preview.ts";
import { registerDevMailRoute } from "./http/routes/dev-mail.ts";
import { registerEmailVerificationRoutes } from "./http/routes/email-verification.ts";
import { registerHealthRoute } from "./http/routes/health.ts";
import { registerIntrospectRoute } from "./http/routes/introspect.ts";
import { registerInvitationRoutes } from "./http/routes/invitations.ts";
import { registerJwksRoute } from "./http/routes/jwks.ts";
import { registerLoginRoutes } from "./http/routes/login.ts";
import { registerLoginPasskeyRoutes } from "./http/routes/login-passkey.ts";
import { registerLoginSecondFactorRoutes } from "./http/routes/login-second-factor.ts";
import { registerMetricsRoute } from "./http/routes/metrics.ts";
import { registerOAuthCallbackRoute } from "./http/routes/oauth-callback.ts";
import { registerOpenApiRoutes } from "./http/routes/openapi.ts";
import { registerPasskeyAssetRoutes } from "./http/routes/passkey-assets.ts";
import { registerPasswordResetRoutes } from "./http/routes/password-reset.ts";
import { registerReadyzRoute } from "./http/routes/readyz.ts";
import { registerRevokeRoute } from "./http/routes/revoke.ts";
import { registerSignUpRoutes } from "./http/routes/sign-up.ts";
import { registerTokenRoute } from "./http/routes/token.ts";
import { registerUpstreamLoginRoutes } from "./http/routes/upstream-login.ts";
import { registerUserinfoRoute } from "./http/routes/userinfo.ts";
import { registerUsersMeRoute } from "./http/routes/users-me.ts";
import { registerUsersMeConnectionsRoute } from "./http/routes/users-me-connections.ts";
import { registerUsersMeGuildsRoute } from "./http/routes/users-me-guilds.ts";
import { registerWellKnownMetadataRoutes } from "./http/routes/well-known-metadata.ts";
import { currentRequestId } from "./request-context.ts";
import { sessionCookieName } from "./services/sessions/session-cookie-name.ts";

/** Bodies larger than this are refused before parsing: no endpoint needs more. */
export const MAX_BODY_BYTES = 256 * 1024;

/** GraphQL over HTTP accepts JSON bodies only (plus the spec's own JSON media type). */
const GRAPHQL_CONTENT_TYPE = /^application\/(graphql\+)?json\s*(;|$)/i;

/** The methods /graphql answers (HEAD as GET without content); any other is refused with 405 and `Allow`. */
const GRAPHQL_METHODS = ["GET", "HEAD", "POST", "OPTIONS"];

/** An error before execution, in the GraphQL-over-HTTP error format, with its HTTP status. */
function graphqlError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { ...headers, "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

/** Whether a Cookie header carries the cookie named `name`. */
function hasCookie(header: string | undefined, name: string): boolean {
  return (header ?? "").split(";").some((part) => part.trim().startsWith(`${name}=`));
}

/** A copy of `response` with `headers` added (yoga's and undici's responses may have immutable headers). */
function withHeaders(response: Response, headers: Record<string, string>, body: BodyInit | null = response.body) {
  const merged = new Headers(response.headers);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  return new Response(body, { status: response.status, statusText: response.statusText, headers: merged });
}

/** The one request handler: /graphql goes to GraphQL, everything else to the REST router. */
export function createApp(deps: HttpDeps): Hono {
  const app = new Hono();
  const metrics = createMetrics(deps.runtime);
  const graphql = createGraphQLHandler({
    orm: deps.orm,
    logger: deps.logger,
    production: deps.config.production,
    allowPrivateAddresses: deps.config.allowPrivateWebhooks,
    publicUrl: deps.config.publicUrl,
    secureCookies: deps.config.secureCookies,
    sessionPolicy: deps.config.sessionPolicy,
    introspection: deps.config.graphqlIntrospection,
    keyring: deps.keyring,
    runtime: deps.runtime,
    mailer: deps.mailer,
  });

  const cors = corsPolicy(deps.config.publicUrl, deps.config.corsOrigins);
  const sessionCookie = sessionCookieName(deps.config.secureCookies);

  app.use(requestEnvelope({ https: deps.config.secureCookies, metrics }));
  // Connection: close, since the unread rest of the body would otherwise be taken for the next request.
  const tooLarge = (c: Context) => {
    const message = `Request body exceeds ${MAX_BODY_BYTES} bytes`;
    if (c.req.path === "/graphql") return graphqlError(413, "PAYLOAD_TOO_LARGE", message, { Connection: "close" });
    return jsonError(c, 413, "invalid_request", message, { Connection: "close" });
  };
  const countedLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  app.use(async (c, next) => {
    // A declared length is checked as declared (Node's parser holds the body to it); only a body of unknown length
    // (chunked) is counted as it streams. Never touching `c.req.raw.body` otherwise matters: on @hono/node-server it
    // builds a web Request and ReadableStream per POST, about 40% of a token request's CPU.
    const length = c.req.header("content-length");
    if (c.req.header("transfer-encoding") === undefined) {
      if (length === undefined) return next();
      return Number(length) > MAX_BODY_BYTES ? tooLarge(c) : next();
    }
    return countedLimit(c, next);
  });

  app.all("/graphql", async (c) => {
    const method = c.req.method;
    const crossOrigin = {
      method,
      origin: c.req.header("origin"),
      fetchSite: c.req.header("sec-fetch-site"),
      requestMethod: c.req.header("access-control-request-method"),
    };
    const allow = corsHeaders(cors, crossOrigin);
    if (isPreflight(crossOrigin))
      return new Response(null, { status: 204, headers: { ...allow, "Content-Length": "0" } });
    if (!GRAPHQL_METHODS.includes(method)) {
      return graphqlError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on /graphql`, {
        ...allow,
        Allow: GRAPHQL_METHODS.join(", "),
      });
    }
    // A person who opens /graphql in a browser (no query, HTML first) wants the explorer, served by the console.
    if (method === "GET" && !c.req.query("query") && /^\s*text\/html/i.test(c.req.header("accept") ?? "")) {
      return c.redirect("/console/explorer", 302);
    }
    // Refused here, whatever the content type and whether or not a preflight ran: a page of another origin (another
    // port, a sibling subdomain: same-site, so the Lax cookie goes along) must not act with the session cookie.
    if (
      c.req.header("authorization") === undefined &&
      hasCookie(c.req.header("cookie"), sessionCookie) &&
      !maySendCookies(cors, crossOrigin)
    ) {
      return graphqlError(
        403,
        "FORBIDDEN",
        `Requests from ${crossOrigin.origin ?? "another site"} may not use the session cookie: add the origin to LATCH_CORS_ORIGINS, or send an API key`,
        allow,
      );
    }
    if (method === "POST" && !GRAPHQL_CONTENT_TYPE.test(c.req.header("content-type") ?? "")) {
      return graphqlError(415, "BAD_REQUEST", "Content-Type must be application/json", allow);
    }
    // HEAD is GET without the content (RFC 9110 §9.3.2): yoga knows no HEAD, so it answers the GET, minus its body.
    const request = method === "HEAD" ? new Request(c.req.raw.url, { headers: c.req.raw.headers }) : c.req.raw;
    const response = await graphql.fetch(request, {});
    if (response.status === 406) {
      return graphqlError(
        406,
        "NOT_ACCEPTABLE",
        "Accept must allow application/graphql-response+json or application/json",
        {
          ...Object.fromEntries(response.headers),
          ...allow,
        },
      );
    }
    return withHeaders(response, allow, method === "HEAD" ? null : response.body);
  });
  registerHealthRoute(app);
  registerMetricsRoute(app, deps.config, metrics);
  registerReadyzRoute(app, deps);
  registerWellKnownMetadataRoutes(app, deps);
  registerJwksRoute(app, deps);
  registerLoginRoutes(app, deps);
  registerLoginSecondFactorRoutes(app, deps);
  registerLoginPasskeyRoutes(app, deps);
  registerPasskeyAssetRoutes(app);
  registerDevMailRoute(app, deps);
  registerPasswordResetRoutes(app, deps);
  registerSignUpRoutes(app, deps);
  registerEmailVerificationRoutes(app, deps);
  registerInvitationRoutes(app, deps);
  registerAuthorizeRoute(app, deps);
  registerAuthorizeDecisionRoute(app, deps);
  registerTokenRoute(app, deps);
  registerRevokeRoute(app, deps);
  registerIntrospectRoute(app, deps);
  registerUserinfoRoute(app, deps);
  registerUsersMeRoute(app, deps);
  registerUsersMeGuildsRoute(app, deps);
  registerUsersMeConnectionsRoute(app, deps);
  registerAdminApplicationRoutes(app, deps);
  registerAdminWebhookRoutes(app, deps);
  registerAdminProviderRoutes(app, deps);
  registerOpenApiRoutes(app, deps);
  registerAccountConnectionsRoutes(app, deps);
  registerAccountProfileRoutes(app, deps);
  registerAccountEmailConfirmRoutes(app, deps);
  registerAccountPasswordRoutes(app, deps);
  registerAccountSecurityRoutes(app, deps);
  registerAccountSessionsRoutes(app, deps);
  registerAccountIntegrationsRoutes(app, deps);
  registerAccountDeleteRoutes(app, deps);
  registerConsoleRoutes(app, { distDir: CONSOLE_DIST });
  registerConsolePreviewRoutes(app, deps);
  registerUpstreamLoginRoutes(app, deps);
  registerConnectionFlowRoutes(app, deps);
  registerOAuthCallbackRoute(app, deps);

  app.notFound((c) => jsonError(c, 404, "not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return jsonError(c, error.status, "invalid_request", error.message);
    if (isDatabaseUnavailable(error)) {
      deps.logger.warn({ err: error }, "database unavailable");
      return jsonError(c, 503, "temporarily_unavailable", "The database is unavailable; retry later", {
        "Retry-After": String(RETRY_AFTER_SECONDS),
      });
    }
    if (isUnstorableText(error)) return jsonError(c, 400, "invalid_request", UNSTORABLE_TEXT_MESSAGE);
    deps.logger.error(
      { err: error, method: c.req.method, path: new URL(c.req.url).pathname, requestId: currentRequestId() },
      "unhandled error",
    );
    return jsonError(c, 500, "server_error", "An unexpected error occurred");
  });
  return app;
}
