import { ACR_VALUES_SUPPORTED } from "./authentication-requirements.ts";

/** Endpoint paths of the REST face, relative to the issuer. Routes and metadata read the same table. */
export const ENDPOINT_PATHS = {
  authorization: "/oauth2/authorize",
  token: "/oauth2/token",
  revocation: "/oauth2/revoke",
  introspection: "/oauth2/introspect",
  userinfo: "/oauth2/userinfo",
  jwks: "/.well-known/jwks.json",
} as const;

export const SUPPORTED_GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials", "password"] as const;
export const CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"] as const;
export const SIGNING_ALGORITHMS = ["ES256"] as const;

export type ServerMetadataInput = {
  readonly issuer: string;
  /** Every scope a client may ask for by name (built-ins; orgs' custom scopes are not advertised). */
  readonly scopes: readonly string[];
};

/** Authorization server metadata (RFC 8414 §2), shared by the OpenID discovery document (OIDC Discovery §3). */
export function buildServerMetadata({ issuer, scopes }: ServerMetadataInput): Record<string, unknown> {
  const at = (path: string) => `${issuer}${path}`;
  return {
    issuer,
    authorization_endpoint: at(ENDPOINT_PATHS.authorization),
    token_endpoint: at(ENDPOINT_PATHS.token),
    // RFC 8414 §2 allows any registered member; clients reading only this document (Authlib, MCP) need userinfo too.
    userinfo_endpoint: at(ENDPOINT_PATHS.userinfo),
    jwks_uri: at(ENDPOINT_PATHS.jwks),
    scopes_supported: [...scopes],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    revocation_endpoint: at(ENDPOINT_PATHS.revocation),
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    introspection_endpoint: at(ENDPOINT_PATHS.introspection),
    introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    code_challenge_methods_supported: ["S256"],
    authorization_response_iss_parameter_supported: true,
    service_documentation: at("/"),
  };
}

/** OpenID Provider metadata (OIDC Discovery 1.0 §3): the RFC 8414 document plus the OIDC members. */
export function buildOpenIdConfiguration(input: ServerMetadataInput): Record<string, unknown> {
  return {
    ...buildServerMetadata(input),
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
    claims_supported: [
      "sub",
      "iss",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "amr",
      "acr",
      "nonce",
      "at_hash",
      "name",
      "preferred_username",
      "picture",
      "email",
      "email_verified",
    ],
    // OIDC Discovery §3: the acr values `acr_values` may ask for (authentication-requirements.ts).
    acr_values_supported: [...ACR_VALUES_SUPPORTED],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}
