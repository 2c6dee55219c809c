import type { Hono } from "hono";
import { BUILT_IN_SCOPE_NAMES } from "../../oauth/scope-catalogue.ts";
import { buildOpenIdConfiguration, buildServerMetadata } from "../../oauth/server-metadata.ts";
import type { HttpDeps } from "../deps.ts";
import { sendJson } from "../send-json.ts";

/** RFC 8414 authorization server metadata and the OpenID discovery document; both are static per issuer. */
export function registerWellKnownMetadataRoutes(router: Hono, deps: HttpDeps): void {
  const input = { issuer: deps.config.publicUrl, scopes: BUILT_IN_SCOPE_NAMES };
  const oauth = buildServerMetadata(input);
  const openid = buildOpenIdConfiguration(input);
  const headers = { "Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*" };
  router.get("/.well-known/oauth-authorization-server", (c) => sendJson(c, oauth, 200, headers));
  router.get("/.well-known/openid-configuration", (c) => sendJson(c, openid, 200, headers));
}
