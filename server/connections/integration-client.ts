import * as oauth from "oauth4webapi";
import { openString } from "../crypto/envelope.ts";
import type { MasterKeyring } from "../crypto/master-key.ts";
import { integrationSecretAad } from "../crypto/secret-aad.ts";
import { UpstreamError } from "./upstream-error.ts";
import { assessUpstreamUrl } from "./upstream-url.ts";

/** The columns of an integration whose client secret its outbound calls present (sealed under the integration's id). */
export type IntegrationSecret = {
  readonly id: string;
  /** Envelope ciphertext; opened only for the one call that presents it. */
  readonly clientSecretEncrypted: string;
};

/** The columns of an integration that its outbound calls need. */
export type IntegrationEndpoints = IntegrationSecret & {
  readonly clientId: string;
  readonly authorizeUrl?: string | null | undefined;
  readonly tokenUrl: string;
  readonly revocationUrl?: string | null | undefined;
};

/**
 * The oauth4webapi view of an integration: its server's endpoints and our client registration there. Shared by user
 * connections (authorization code, refresh, revocation) and service tokens (client credentials, password).
 */
export type IntegrationClient = {
  readonly as: oauth.AuthorizationServer;
  readonly client: oauth.Client;
  readonly authorizeUrl: string | null;
};

/**
 * The integration's endpoints, checked again at use (a row edited by hand must not send a secret over plain http to
 * a remote host: at use, http is refused off loopback whatever the environment). The upstream is treated as plain
 * OAuth 2.0 (RFC 6749): its issuer identifier is taken to be the authorize URL's origin, which is what an RFC 9207
 * `iss` response parameter is compared with (see {@link withResponseIssuer}).
 */
export function integrationClient(integration: IntegrationEndpoints): IntegrationClient {
  const tokenUrl = checked("tokenUrl", integration.tokenUrl);
  if (!tokenUrl) throw new UpstreamError("upstream_misconfigured", "the integration has no token URL");
  const authorizeUrl = checked("authorizeUrl", integration.authorizeUrl);
  const revocationUrl = checked("revocationUrl", integration.revocationUrl);
  return {
    as: {
      issuer: new URL(authorizeUrl ?? tokenUrl).origin,
      token_endpoint: tokenUrl,
      ...(authorizeUrl && { authorization_endpoint: authorizeUrl }),
      ...(revocationUrl && { revocation_endpoint: revocationUrl }),
    },
    client: { client_id: integration.clientId },
    authorizeUrl,
  };
}

/**
 * client_secret_basic (RFC 6749 §2.3.1), the method every server must support. The secret is unsealed here, for the
 * one call the returned value is handed to, and never kept.
 */
export function integrationClientAuth(keyring: MasterKeyring, integration: IntegrationSecret): oauth.ClientAuth {
  return oauth.ClientSecretBasic(
    unseal(keyring, integration.clientSecretEncrypted, integrationSecretAad(integration.id), "client secret"),
  );
}

/** Only a master key missing from the keyring fails here; the error names the column, never its value. */
export function unseal(keyring: MasterKeyring, sealed: string, aad: string, what: string): string {
  try {
    return openString(keyring, sealed, aad);
  } catch (error) {
    throw new UpstreamError(
      "upstream_misconfigured",
      `the integration's ${what} could not be unsealed with the configured master key`,
      { cause: error },
    );
  }
}

/**
 * An authorization response's RFC 9207 `iss` is accepted when it names the origin of the integration's authorize
 * or token endpoint (a provider's issuer may carry a path, e.g. a tenant); any other value fails validation as a
 * mix-up. Without `iss`, the origin-based issuer stands and nothing is compared.
 */
export function withResponseIssuer(
  upstream: IntegrationClient,
  parameters: URLSearchParams,
): oauth.AuthorizationServer {
  const iss = parameters.get("iss");
  if (!iss || !URL.canParse(iss)) return upstream.as;
  const origin = new URL(iss).origin;
  const known = [upstream.authorizeUrl, upstream.as.token_endpoint].flatMap((url) =>
    url ? [new URL(url).origin] : [],
  );
  return known.includes(origin) ? { ...upstream.as, issuer: iss } : upstream.as;
}

function checked(field: string, value: string | null | undefined): string | null {
  const assessed = assessUpstreamUrl(field, value, { production: false });
  if ("problem" in assessed) throw new UpstreamError("upstream_misconfigured", assessed.problem);
  return assessed.url;
}
