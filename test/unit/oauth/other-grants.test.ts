import { describe, expect, it } from "vitest";
import {
  checkGrantTypeAllowed,
  decideClientCredentials,
  GRANT_TYPES,
} from "../../../server/oauth/grants/client-credentials.ts";
import { decidePasswordGrant } from "../../../server/oauth/grants/password.ts";

const failure = (code: string, description?: RegExp) =>
  expect.objectContaining({ code, ...(description ? { description: expect.stringMatching(description) } : {}) });

describe("decideClientCredentials", () => {
  const client = { type: "confidential" as const, grantTypes: ["client_credentials"], allowedScopes: ["all"] };

  it("grants exactly the requested scopes, none when none are requested", () => {
    expect(decideClientCredentials({ client, requestedScopes: ["chat:read"] })).toEqual({ scopes: ["chat:read"] });
    expect(decideClientCredentials({ client, requestedScopes: [] })).toEqual({ scopes: [] });
  });

  it("refuses public clients and clients not registered for the grant", () => {
    expect(() => decideClientCredentials({ client: { ...client, type: "public" }, requestedScopes: [] })).toThrow(
      failure("unauthorized_client", /public clients/),
    );
    expect(() => decideClientCredentials({ client: { ...client, grantTypes: [] }, requestedScopes: [] })).toThrow(
      failure("unauthorized_client", /not allowed/),
    );
  });

  it("refuses scopes the client may not request, and openid (there is no user)", () => {
    expect(() => decideClientCredentials({ client, requestedScopes: ["identify"] })).toThrow(failure("invalid_scope"));
    expect(() => decideClientCredentials({ client, requestedScopes: ["openid"] })).toThrow(
      failure("invalid_scope", /openid/),
    );
  });
});

describe("decidePasswordGrant", () => {
  const client = { grantTypes: ["password"], allowPasswordGrant: true, allowedScopes: ["identify"] };
  const input = { client, requestedScopes: ["identify"], username: "ada@example.com", password: "pw" };

  it("accepts an opted-in client with both credentials", () => {
    expect(decidePasswordGrant(input)).toEqual({ scopes: ["identify"] });
  });

  it("refuses a client that has not opted in", () => {
    expect(() => decidePasswordGrant({ ...input, client: { ...client, allowPasswordGrant: false } })).toThrow(
      failure("unauthorized_client"),
    );
    expect(() => decidePasswordGrant({ ...input, client: { ...client, grantTypes: [] } })).toThrow(
      failure("unauthorized_client"),
    );
  });

  it("requires username and password", () => {
    expect(() => decidePasswordGrant({ ...input, username: undefined })).toThrow(
      failure("invalid_request", /username/),
    );
    expect(() => decidePasswordGrant({ ...input, password: undefined })).toThrow(
      failure("invalid_request", /password/),
    );
  });

  it("refuses scopes the client may not request", () => {
    expect(() => decidePasswordGrant({ ...input, requestedScopes: ["email"] })).toThrow(failure("invalid_scope"));
  });
});

describe("checkGrantTypeAllowed", () => {
  it("knows the four grant types", () => {
    expect([...GRANT_TYPES]).toEqual(["authorization_code", "refresh_token", "client_credentials", "password"]);
  });

  it("accepts a known grant type the client is registered for", () => {
    expect(() => checkGrantTypeAllowed("refresh_token", ["authorization_code", "refresh_token"])).not.toThrow();
  });

  it("refuses unknown grant types and those the client may not use", () => {
    expect(() => checkGrantTypeAllowed("urn:ietf:params:oauth:grant-type:device_code", GRANT_TYPES)).toThrow(
      failure("unsupported_grant_type", /device_code" is not supported/),
    );
    expect(() => checkGrantTypeAllowed("<script>", GRANT_TYPES)).toThrow(
      failure("unsupported_grant_type", /^grant_type is not supported$/),
    );
    expect(() => checkGrantTypeAllowed("password", ["authorization_code"])).toThrow(failure("unauthorized_client"));
    expect(() => checkGrantTypeAllowed("", GRANT_TYPES)).toThrow(failure("invalid_request"));
  });
});
