import { describe, expect, it } from "vitest";
import { BUILT_IN_SCOPE_NAMES, WORKSPACE_SCOPES } from "../../../server/oauth/scope-catalogue.ts";
import { buildOpenIdConfiguration, buildServerMetadata } from "../../../server/oauth/server-metadata.ts";

const issuer = "https://auth.example.com";

describe("authorization server metadata", () => {
  it("lists the endpoints under the issuer (RFC 8414 §2)", () => {
    const metadata = buildServerMetadata({ issuer, scopes: BUILT_IN_SCOPE_NAMES });
    expect(metadata).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      response_types_supported: ["code"],
      code_challenge_methods_supported: ["S256"],
      authorization_response_iss_parameter_supported: true,
    });
    expect(metadata.grant_types_supported).toEqual([
      "authorization_code",
      "refresh_token",
      "client_credentials",
      "password",
    ]);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual([
      "client_secret_basic",
      "client_secret_post",
      "none",
    ]);
  });

  it("never advertises the plain PKCE method", () => {
    expect(buildServerMetadata({ issuer, scopes: [] }).code_challenge_methods_supported).not.toContain("plain");
  });

  it("adds the OpenID members to the discovery document", () => {
    const openid = buildOpenIdConfiguration({ issuer, scopes: BUILT_IN_SCOPE_NAMES });
    expect(openid.userinfo_endpoint).toBe(`${issuer}/oauth2/userinfo`);
    expect(openid.id_token_signing_alg_values_supported).toEqual(["ES256"]);
    expect(openid.subject_types_supported).toEqual(["public"]);
    expect(openid).toMatchObject({ request_parameter_supported: false, request_uri_parameter_supported: false });
    expect(openid.claims_supported).toEqual(expect.arrayContaining(["sub", "nonce", "auth_time", "at_hash", "email"]));
    expect(openid.scopes_supported).toEqual(expect.arrayContaining(["openid", "profile", "email", "identify", "all"]));
  });

  it("carries every workspace scope of the seeds in the catalogue", () => {
    for (const scope of WORKSPACE_SCOPES) expect(BUILT_IN_SCOPE_NAMES).toContain(scope);
    expect(new Set(BUILT_IN_SCOPE_NAMES).size).toBe(BUILT_IN_SCOPE_NAMES.length);
  });
});
