import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { basicOf, expectOAuthError, type JsonResponse, postForm } from "../../support/oauth-client.ts";
import { createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

/**
 * The registered client authentication method is the only one accepted (RFC 7591 §2 token_endpoint_auth_method):
 * an app pinned to client_secret_basic is refused with invalid_client when it sends its secret in the body, one
 * pinned to client_secret_post when it sends an Authorization header, at the token, revocation and introspection
 * endpoints; `any` (the default) accepts both. Discovery lists the methods.
 */

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;

type Method = "CLIENT_SECRET_BASIC" | "CLIENT_SECRET_POST" | "ANY";

async function appWith(method: Method | undefined): Promise<TestApp & { globalId: string }> {
  const input: Record<string, unknown> = {
    name: `App ${method ?? "default"} ${Math.random()}`,
    type: "CONFIDENTIAL",
    grantTypes: ["client_credentials"],
    allowedScopes: ["identify"],
  };
  if (method) input.tokenEndpointAuthMethod = method;
  const created: any = await admin.request(
    `mutation ($input: CreateApplicationInput!) {
      createApplication(input: $input) {
        __typename ... on CreateApplicationPayload { clientSecret application { id clientId tokenEndpointAuthMethod } }
      }
    }`,
    { input },
  );
  const payload = created.createApplication;
  expect(payload.application.tokenEndpointAuthMethod).toBe(method ?? "ANY");
  return {
    id: payload.application.id,
    globalId: payload.application.id,
    clientId: payload.application.clientId,
    clientSecret: payload.clientSecret,
    organizationId,
  };
}

const ENDPOINTS = [
  ["/oauth2/token", { grant_type: "client_credentials", scope: "identify" }],
  ["/oauth2/revoke", { token: "latch_at_unknown" }],
  ["/oauth2/introspect", { token: "latch_at_unknown" }],
] as const;

function withBasic(app: TestApp, path: string, form: Record<string, string>): Promise<JsonResponse> {
  return postForm(server, path, form, { auth: basicOf(app) });
}

function withPost(app: TestApp, path: string, form: Record<string, string>): Promise<JsonResponse> {
  return postForm(server, path, { ...form, client_id: app.clientId, client_secret: app.clientSecret! });
}

function expectAccepted(response: JsonResponse, path: string): void {
  expect(response.status, `${path}: ${response.text}`).toBe(200);
}

function expectRefused(response: JsonResponse, path: string, expected: RegExp): void {
  expectOAuthError(response, 401, "invalid_client");
  expect(response.headers.get("www-authenticate"), path).toMatch(/^Basic realm="latch"/);
  expect(response.body.error_description, path).toMatch(expected);
}

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
});
afterAll(() => server?.stop());

describe("tokenEndpointAuthMethod", () => {
  it("client_secret_basic refuses the secret in the body at token, revoke and introspect", async () => {
    const app = await appWith("CLIENT_SECRET_BASIC");
    for (const [path, form] of ENDPOINTS) {
      expectAccepted(await withBasic(app, path, form), path);
      expectRefused(await withPost(app, path, form), path, /client_secret_basic/);
    }
  });

  it("client_secret_post refuses HTTP Basic (401 with the Basic challenge, RFC 6749 §5.2)", async () => {
    const app = await appWith("CLIENT_SECRET_POST");
    for (const [path, form] of ENDPOINTS) {
      expectAccepted(await withPost(app, path, form), path);
      expectRefused(await withBasic(app, path, form), path, /client_secret_post/);
    }
  });

  it("any (the default, and ANY) accepts both", async () => {
    for (const app of [await appWith(undefined), await appWith("ANY")]) {
      for (const [path, form] of ENDPOINTS) {
        expectAccepted(await withBasic(app, path, form), path);
        expectAccepted(await withPost(app, path, form), path);
      }
    }
  });

  it("a wrong secret by the wrong method says only that authentication failed", async () => {
    const app = await appWith("CLIENT_SECRET_BASIC");
    const response = await withPost({ ...app, clientSecret: "latch_cs_wrong" }, "/oauth2/token", ENDPOINTS[0][1]);
    expectOAuthError(response, 401, "invalid_client");
    expect(response.body.error_description).toBe("client authentication failed");
  });

  it("updateApplication pins and unpins a warm client at once", async () => {
    const app = await appWith(undefined);
    const [path, form] = ENDPOINTS[0];
    expectAccepted(await withPost(app, path, form), path);
    const pin = async (method: Method | null) => {
      const updated: any = await admin.request(
        `mutation ($input: UpdateApplicationInput!) {
          updateApplication(input: $input) { __typename ... on ApplicationPayload { application { tokenEndpointAuthMethod } } }
        }`,
        { input: { id: app.globalId, tokenEndpointAuthMethod: method } },
      );
      expect(updated.updateApplication.application.tokenEndpointAuthMethod).toBe(method ?? "ANY");
    };
    await pin("CLIENT_SECRET_BASIC");
    expectRefused(await withPost(app, path, form), path, /client_secret_basic/);
    expectAccepted(await withBasic(app, path, form), path);
    await pin(null);
    expectAccepted(await withPost(app, path, form), path);
  });

  it("a public app has none: its method is null and cannot be pinned", async () => {
    const created: any = await admin.request(
      `mutation ($input: CreateApplicationInput!) {
        createApplication(input: $input) {
          __typename
          ... on CreateApplicationPayload { application { tokenEndpointAuthMethod } }
          ... on ValidationError { field }
        }
      }`,
      { input: { name: "Public pinned", type: "PUBLIC", tokenEndpointAuthMethod: "CLIENT_SECRET_POST" } },
    );
    expect(created.createApplication).toEqual({ __typename: "ValidationError", field: "tokenEndpointAuthMethod" });
    const plain: any = await admin.request(
      `mutation { createApplication(input: { name: "Public plain", type: PUBLIC }) {
        ... on CreateApplicationPayload { application { tokenEndpointAuthMethod } } } }`,
    );
    expect(plain.createApplication.application.tokenEndpointAuthMethod).toBeNull();
  });
});

describe("discovery lists the client authentication methods", () => {
  it.each(["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"])("%s", async (path) => {
    const metadata = (await (await fetch(`${server.url}${path}`)).json()) as Record<string, string[]>;
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(["client_secret_basic", "client_secret_post", "none"]),
    );
    expect(metadata.revocation_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(["client_secret_basic", "client_secret_post", "none"]),
    );
    expect([...metadata.introspection_endpoint_auth_methods_supported!].sort()).toEqual([
      "client_secret_basic",
      "client_secret_post",
    ]);
  });
});
