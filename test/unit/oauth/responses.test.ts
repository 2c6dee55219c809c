import { describe, expect, it } from "vitest";
import { needsConsent } from "../../../server/oauth/consent.ts";
import { buildIntrospectionResponse, type IntrospectedToken } from "../../../server/oauth/introspection.ts";
import { buildTokenResponse, TOKEN_RESPONSE_HEADERS } from "../../../server/oauth/token-response.ts";

describe("needsConsent", () => {
  it("asks when there is no grant, when more is requested, or when prompt=consent", () => {
    expect(needsConsent({ grantedScopes: null, requestedScopes: [], prompt: undefined })).toBe(true);
    expect(
      needsConsent({ grantedScopes: ["identify"], requestedScopes: ["identify", "email"], prompt: undefined }),
    ).toBe(true);
    expect(needsConsent({ grantedScopes: ["identify"], requestedScopes: ["identify"], prompt: "consent" })).toBe(true);
  });

  it("skips consent for a subset of what was granted, all expanded", () => {
    expect(needsConsent({ grantedScopes: ["identify", "all"], requestedScopes: ["chat:read"], prompt: "none" })).toBe(
      false,
    );
    expect(needsConsent({ grantedScopes: ["identify"], requestedScopes: [], prompt: "login" })).toBe(false);
  });
});

describe("buildIntrospectionResponse", () => {
  const active: IntrospectedToken = {
    active: true,
    scopes: ["identify", "email"],
    clientId: "app_1",
    subject: "user-1",
    tokenType: "access_token",
    exp: 2000,
    iat: 1000,
    issuer: "https://latch.example",
    audience: "https://api.example",
    jti: "j1",
  };

  it("says only active: false for an unknown or inactive token", () => {
    expect(buildIntrospectionResponse(null)).toEqual({ active: false });
    expect(buildIntrospectionResponse({ ...active, active: false })).toEqual({ active: false });
  });

  it("describes an active token, omitting what is unknown", () => {
    expect(buildIntrospectionResponse(active)).toEqual({
      active: true,
      scope: "identify email",
      client_id: "app_1",
      token_type: "Bearer",
      exp: 2000,
      iat: 1000,
      sub: "user-1",
      aud: "https://api.example",
      iss: "https://latch.example",
      jti: "j1",
    });
  });

  it("marks a refresh token so it cannot pass for an access token", () => {
    const body = buildIntrospectionResponse({
      active: true,
      scopes: [],
      clientId: "c",
      tokenType: "refresh_token",
      issuer: "i",
    });
    expect(body).toEqual({ active: true, client_id: "c", token_type: "refresh_token", iss: "i" });
  });
});

describe("buildTokenResponse", () => {
  it("builds a Bearer response with the granted scope", () => {
    expect(
      buildTokenResponse({
        accessToken: "at",
        expiresIn: 3600,
        refreshToken: "rt",
        scopes: ["identify"],
        idToken: "id",
      }),
    ).toEqual({
      access_token: "at",
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: "rt",
      scope: "identify",
      id_token: "id",
    });
    expect(buildTokenResponse({ accessToken: "at", expiresIn: 60, scopes: [] })).toEqual({
      access_token: "at",
      token_type: "Bearer",
      expires_in: 60,
    });
  });

  it("forbids caching", () => {
    expect(TOKEN_RESPONSE_HEADERS).toEqual({ "Cache-Control": "no-store", Pragma: "no-cache" });
  });
});
