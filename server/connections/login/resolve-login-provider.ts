import type * as oauth from "oauth4webapi";
import { UpstreamError } from "../upstream-error.ts";
import type { UpstreamNetwork } from "../upstream-request.ts";
import { assessUpstreamUrl, type UpstreamUrlPolicy } from "../upstream-url.ts";
import { discoverIssuer } from "./discover-issuer.ts";
import { DEFAULT_ISSUERS, KNOWN_ENDPOINTS, type LoginProviderKind, OIDC_KINDS } from "./login-provider-kinds.ts";

/** Everything a sign-in through one provider needs, with no secret in it. */
export type LoginProvider = {
  readonly id: string;
  readonly kind: LoginProviderKind;
  readonly as: oauth.AuthorizationServer;
  readonly client: oauth.Client;
  /** OpenID Connect: an id_token with our nonce is required, and its `iss` names the account's namespace. */
  readonly oidc: boolean;
  readonly scopes: readonly string[];
  /** How the client secret travels (RFC 6749 §2.3.1): Basic unless the provider says it only takes the body form. */
  readonly authMethod: "client_secret_basic" | "client_secret_post";
  /** The address guard every later call to this provider (token, userinfo) goes through. */
  readonly network: UpstreamNetwork;
};

/** The columns of an identity provider that say how to reach it; each endpoint set here overrides discovery. */
type ProviderRow = {
  readonly id: string;
  readonly kind: LoginProviderKind;
  readonly clientId: string;
  readonly issuer?: string | null | undefined;
  readonly authorizationEndpoint?: string | null | undefined;
  readonly tokenEndpoint?: string | null | undefined;
  readonly userinfoEndpoint?: string | null | undefined;
  readonly scopes: readonly string[];
};

/**
 * A provider row's endpoints: the row's overrides win; otherwise OpenID Connect discovery from its issuer (the kind's
 * default issuer for google, microsoft and apple) or the documented endpoints of github and discord. Every endpoint,
 * discovered ones included, must pass the upstream URL policy (https; loopback http only outside production).
 * Throws an `UpstreamError`: `upstream_misconfigured` when an endpoint is missing or not allowed, or discovery's own
 * `upstream_unreachable` / `upstream_bad_response`.
 */
export async function resolveLoginProvider(
  row: ProviderRow,
  policy: UpstreamUrlPolicy & { readonly network: UpstreamNetwork },
): Promise<LoginProvider> {
  const oidc = OIDC_KINDS.has(row.kind);
  const discovered = oidc ? await discoverOrNull(row, policy) : null;
  const known = KNOWN_ENDPOINTS[row.kind];
  const authorization = row.authorizationEndpoint ?? discovered?.authorization_endpoint ?? known?.authorization;
  const token = row.tokenEndpoint ?? discovered?.token_endpoint ?? known?.token;
  const userinfo = row.userinfoEndpoint ?? discovered?.userinfo_endpoint ?? known?.userinfo;
  if (!authorization || !token) {
    throw new UpstreamError(
      "upstream_misconfigured",
      `the ${row.kind} provider has no ${authorization ? "token" : "authorization"} endpoint`,
    );
  }
  for (const [field, value] of [
    ["authorizationEndpoint", authorization],
    ["tokenEndpoint", token],
    ["userinfoEndpoint", userinfo],
  ] as const) {
    allowed(field, value, policy);
  }
  const as: oauth.AuthorizationServer = {
    ...discovered,
    // Plain OAuth providers have no issuer identifier: the authorization server's origin names the account namespace
    // (github.com, or a GitHub Enterprise host), and is what an RFC 9207 `iss` parameter would have to say.
    issuer: discovered?.issuer ?? new URL(authorization).origin,
    authorization_endpoint: authorization,
    token_endpoint: token,
    ...(userinfo ? { userinfo_endpoint: userinfo } : {}),
  };
  const methods = discovered?.token_endpoint_auth_methods_supported;
  const scopes = oidc && !row.scopes.includes("openid") ? ["openid", ...row.scopes] : [...row.scopes];
  return {
    id: row.id,
    kind: row.kind,
    as,
    client: { client_id: row.clientId },
    oidc,
    scopes,
    authMethod:
      methods && !methods.includes("client_secret_basic") && methods.includes("client_secret_post")
        ? "client_secret_post"
        : "client_secret_basic",
    network: policy.network,
  };
}

async function discoverOrNull(
  row: ProviderRow,
  policy: UpstreamUrlPolicy & { readonly network: UpstreamNetwork },
): Promise<oauth.AuthorizationServer | null> {
  const issuer = row.issuer ?? DEFAULT_ISSUERS[row.kind];
  if (issuer) {
    // Checked again at use: a row written outside production must not reach a loopback issuer in production.
    allowed("issuer", issuer, policy);
    return discoverIssuer(issuer, policy.network);
  }
  // An oidc row always has an issuer (the rules require one); without it the overrides must name every endpoint.
  return null;
}

function allowed(field: string, value: string | undefined, policy: UpstreamUrlPolicy): void {
  if (value === undefined) return;
  if ("problem" in assessUpstreamUrl(field, value, policy)) {
    throw new UpstreamError("upstream_misconfigured", `the provider's ${field} is not an allowed URL`);
  }
}
