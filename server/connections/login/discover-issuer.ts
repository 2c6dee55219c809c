import * as oauth from "oauth4webapi";
import { toUpstreamError, UpstreamError } from "../upstream-error.ts";
import { type UpstreamNetwork, upstreamRequestOptions } from "../upstream-request.ts";

/** Discovery documents change rarely; five minutes spares every sign-in two round trips without pinning a stale one. */
const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX_ENTRIES = 200;

const cache = new Map<string, { readonly as: oauth.AuthorizationServer; readonly expiresAt: number }>();

/**
 * OpenID Connect Discovery 1.0 §4 for `issuer`: fetches `/.well-known/openid-configuration` and checks that it names
 * `issuer` itself (§4.3), so a document cannot redirect a sign-in to another provider. Successful answers are cached
 * for a few minutes; failures are not, so a provider that comes back is used at once. Throws an `UpstreamError`.
 *
 * Microsoft's multi-tenant issuers (`/common`, `/organizations`, `/consumers`) publish a `{tenantid}` template as their
 * issuer; it is accepted for them, and the id_token's `iss` is then checked against the template filled with its
 * own `tid` claim.
 */
export async function discoverIssuer(
  issuer: string,
  network: UpstreamNetwork,
  now: number = Date.now(),
): Promise<oauth.AuthorizationServer> {
  // Keyed by the address policy too: a document fetched where private issuers are allowed is not one where they are not.
  const key = `${network.allowPrivate ? "private" : "public"} ${issuer}`;
  const cached = cache.get(key);
  if (cached && cached.expiresAt > now) return cached.as;
  const issuerUrl = new URL(issuer);
  let as: oauth.AuthorizationServer;
  try {
    const response = await oauth.discoveryRequest(issuerUrl, {
      algorithm: "oidc",
      ...upstreamRequestOptions(issuerUrl, network),
    });
    as = isMicrosoftMultiTenant(issuerUrl)
      ? await processTenantTemplate(response)
      : await oauth.processDiscoveryResponse(issuerUrl, response);
  } catch (error) {
    throw toUpstreamError(error, "OpenID Connect discovery");
  }
  if (cache.size >= CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { as, expiresAt: now + CACHE_TTL_MS });
  return as;
}

const MICROSOFT_TENANT_TEMPLATE = "https://login.microsoftonline.com/{tenantid}/v2.0";

function isMicrosoftMultiTenant(issuer: URL): boolean {
  return (
    issuer.hostname === "login.microsoftonline.com" &&
    /^\/(common|organizations|consumers)\/v2\.0\/?$/.test(issuer.pathname)
  );
}

/** oauth4webapi's hooks for issuers that are templates (as openid-client uses them for Microsoft Entra ID). */
const hooks = oauth as unknown as {
  readonly _nodiscoverycheck: URL;
  readonly _expectedIssuer: symbol;
};

async function processTenantTemplate(response: Response): Promise<oauth.AuthorizationServer> {
  const as = await oauth.processDiscoveryResponse(hooks._nodiscoverycheck, response);
  if (as.issuer !== MICROSOFT_TENANT_TEMPLATE) {
    throw new UpstreamError("upstream_misconfigured", "OpenID Connect discovery named an unexpected issuer");
  }
  return Object.assign(as, {
    [hooks._expectedIssuer]: (result: { claims: { tid?: unknown } }) =>
      typeof result.claims.tid === "string" ? as.issuer.replace("{tenantid}", result.claims.tid) : as.issuer,
  });
}
