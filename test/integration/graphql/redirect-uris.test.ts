import { encodeGlobalID } from "@pothos/plugin-relay";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiKeyFor, controlPlane, graphqlErrors } from "../../support/control-plane.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;

const CREATE_APP = /* GraphQL */ `
  mutation ($input: CreateApplicationInput!) {
    createApplication(input: $input) {
      __typename
      ... on CreateApplicationPayload { application { id clientId } }
    }
  }
`;

const ADD = /* GraphQL */ `
  mutation ($applicationId: ID!, $uri: String!) {
    addRedirectUri(applicationId: $applicationId, uri: $uri) {
      __typename
      ... on AddRedirectUriPayload {
        redirectUri { id uri createdAt lastUsedAt application { id } }
        application { redirectUris { uri } }
      }
      ... on Error { message code }
      ... on ValidationError { field }
      ... on ConflictError { field }
      ... on NotFoundError { resource }
    }
  }
`;

const REMOVE = /* GraphQL */ `
  mutation ($id: ID!) {
    removeRedirectUri(id: $id) {
      __typename
      ... on RemoveRedirectUriPayload { removedRedirectUriId application { redirectUris { uri } } }
      ... on Error { message code }
      ... on NotFoundError { resource }
    }
  }
`;

const URIS = /* GraphQL */ `
  query ($id: ID!) { node(id: $id) { ... on Application { redirectUris { id uri } } } }
`;

function sql<T = Record<string, any>>(query: string, params: unknown[] = []): Promise<T[]> {
  return server.orm.em.fork().getConnection().execute(query, params) as Promise<T[]>;
}

async function newApp(client: GraphQLClient, name: string): Promise<{ id: string; clientId: string }> {
  const result: any = await client.request(CREATE_APP, {
    input: { name, type: "CONFIDENTIAL", allowedScopes: ["identify"] },
  });
  return result.createApplication.application;
}

/** A GET of the authorization endpoint as a browser without a session would send it. */
function authorize(clientId: string, redirectUri: string): Promise<Response> {
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    scope: "identify",
    state: "s",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
  });
  return fetch(`${server.url}/oauth2/authorize?${query}`, { redirect: "manual" });
}

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
});
afterAll(() => server?.stop());

describe("redirect URIs", () => {
  it("adds a URI that /oauth2/authorize then accepts, lists it on the app, and removes it so it stops working", async () => {
    const app = await newApp(admin, "Web");
    const uri = "https://web.example/callback";
    const before = await authorize(app.clientId, uri);
    expect(before.status).toBe(400);

    const added: any = await admin.request(ADD, { applicationId: app.id, uri });
    expect(added.addRedirectUri).toMatchObject({
      __typename: "AddRedirectUriPayload",
      redirectUri: { uri, lastUsedAt: null, application: { id: app.id } },
      application: { redirectUris: [{ uri }] },
    });
    const listed: any = await admin.request(URIS, { id: app.id });
    expect(listed.node.redirectUris).toEqual([{ id: added.addRedirectUri.redirectUri.id, uri }]);

    const accepted = await authorize(app.clientId, uri);
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toMatch(/^\/login\?/);

    const removed: any = await admin.request(REMOVE, { id: added.addRedirectUri.redirectUri.id });
    expect(removed.removeRedirectUri).toEqual({
      __typename: "RemoveRedirectUriPayload",
      removedRedirectUriId: added.addRedirectUri.redirectUri.id,
      application: { redirectUris: [] },
    });
    const refused = await authorize(app.clientId, uri);
    expect(refused.status).toBe(400);
    expect(refused.headers.get("location")).toBeNull();
    expect(refused.headers.get("content-type")).toMatch(/text\/html/);

    const again: any = await admin.request(REMOVE, { id: added.addRedirectUri.redirectUri.id });
    expect(again.removeRedirectUri).toMatchObject({ __typename: "NotFoundError", resource: "RedirectUri" });
  });

  it("refuses a duplicate with ConflictError and malformed URIs with ValidationError on uri, storing nothing", async () => {
    const app = await newApp(admin, "Strict");
    await admin.request(ADD, { applicationId: app.id, uri: "https://strict.example/cb" });
    const duplicate: any = await admin.request(ADD, { applicationId: app.id, uri: "https://strict.example/cb" });
    expect(duplicate.addRedirectUri).toMatchObject({ __typename: "ConflictError", code: "CONFLICT", field: "uri" });

    for (const uri of [
      "https://strict.example/cb#fragment",
      "https://*.strict.example/cb",
      "http://strict.example/cb",
      "https://user:pass@strict.example/cb",
      "https://strict.example/cb?code=planted",
      "https://strict.example/cb?tenant=a&state=x",
      "https://strict.example/cb?iss=https://evil.example",
      "not a uri",
      "",
    ]) {
      const result: any = await admin.request(ADD, { applicationId: app.id, uri });
      expect(result.addRedirectUri, uri).toMatchObject({
        __typename: "ValidationError",
        code: "VALIDATION_FAILED",
        field: "uri",
      });
    }
    const listed: any = await admin.request(URIS, { id: app.id });
    expect(listed.node.redirectUris.map((r: { uri: string }) => r.uri)).toEqual(["https://strict.example/cb"]);
  });

  it("refuses at creation a redirect URI whose query carries a response parameter, naming the field (#20 item 11)", async () => {
    const result: any = await admin.request(
      /* GraphQL */ `
        mutation ($input: CreateApplicationInput!) {
          createApplication(input: $input) { __typename ... on ValidationError { field message } }
        }
      `,
      {
        input: {
          name: "Planted",
          type: "CONFIDENTIAL",
          allowedScopes: ["identify"],
          redirectUris: ["https://planted.example/cb?error=access_denied"],
        },
      },
    );
    expect(result.createApplication).toMatchObject({ __typename: "ValidationError", field: "redirectUris" });
    expect(result.createApplication.message).toMatch(/must not carry "error"/);
  });

  it("accepts loopback http and private-use schemes for native apps", async () => {
    const app = await newApp(admin, "Native");
    for (const uri of ["http://127.0.0.1/cb", "http://localhost:8787/callback", "com.example.app:/oauth"]) {
      const result: any = await admin.request(ADD, { applicationId: app.id, uri });
      expect(result.addRedirectUri.__typename, uri).toBe("AddRedirectUriPayload");
    }
  });

  it("writes redirect_uri.added and redirect_uri.removed events with the app and the URI", async () => {
    const app = await newApp(admin, "Audited");
    const uri = "https://audited.example/cb";
    const added: any = await admin.request(ADD, { applicationId: app.id, uri });
    await admin.request(REMOVE, { id: added.addRedirectUri.redirectUri.id });
    const applicationId = Buffer.from(app.id, "base64").toString().split(":")[1];
    const events = await sql(
      "select type, subject_type, actor_type, payload from events where application_id = ? and type like 'redirect_uri.%' order by created_at, type",
      [applicationId],
    );
    expect(events).toEqual([
      {
        type: "redirect_uri.added",
        subject_type: "redirect_uri",
        actor_type: "api_key",
        payload: { applicationId, uri },
      },
      {
        type: "redirect_uri.removed",
        subject_type: "redirect_uri",
        actor_type: "api_key",
        payload: { applicationId, uri },
      },
    ]);
  });

  it("loads the redirect URIs of a whole page of apps in one SQL statement", async () => {
    for (const name of ["Batch A", "Batch B", "Batch C"]) {
      const app = await newApp(admin, name);
      await admin.request(ADD, {
        applicationId: app.id,
        uri: `https://${name.replace(" ", "-").toLowerCase()}.example/cb`,
      });
    }
    const connection = server.orm.em.getConnection();
    const execute = vi.spyOn(connection, "execute");
    try {
      const page: any = await admin.request(
        `{ applications(first: 100) { edges { node { name redirectUris { uri } } } } }`,
      );
      const batch = page.applications.edges
        .map((edge: any) => edge.node)
        .filter((node: any) => node.name.startsWith("Batch"));
      expect(batch).toEqual([
        { name: "Batch A", redirectUris: [{ uri: "https://batch-a.example/cb" }] },
        { name: "Batch B", redirectUris: [{ uri: "https://batch-b.example/cb" }] },
        { name: "Batch C", redirectUris: [{ uri: "https://batch-c.example/cb" }] },
      ]);
      const statements = execute.mock.calls.map(([query]) => String(query)).filter((q) => q.includes("redirect_uris"));
      expect(statements).toHaveLength(1);
    } finally {
      execute.mockRestore();
    }
  });

  it("never lets another organization read, add or remove an app's redirect URIs", async () => {
    const app = await newApp(admin, "Private");
    const added: any = await admin.request(ADD, { applicationId: app.id, uri: "https://private.example/cb" });
    const redirectUriId = added.addRedirectUri.redirectUri.id;
    const { organizationId: otherOrg } = await createUser(server.orm);
    const other = controlPlane(server, await apiKeyFor(server, otherOrg));

    const errors = await graphqlErrors(
      other.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: redirectUriId }),
    );
    expect(errors[0]?.message).toBe("RedirectUri not found");
    const viaApp = await graphqlErrors(other.request(URIS, { id: app.id }));
    expect(viaApp[0]?.message).toBe("Application not found");

    const add: any = await other.request(ADD, { applicationId: app.id, uri: "https://evil.example/cb" });
    expect(add.addRedirectUri).toMatchObject({ __typename: "NotFoundError", resource: "Application" });
    const remove: any = await other.request(REMOVE, { id: redirectUriId });
    expect(remove.removeRedirectUri).toMatchObject({ __typename: "NotFoundError", resource: "RedirectUri" });
    const wrongType: any = await admin.request(REMOVE, { id: app.id });
    expect(wrongType.removeRedirectUri).toMatchObject({ __typename: "NotFoundError" });
    const unknown: any = await admin.request(REMOVE, { id: encodeGlobalID("RedirectUri", crypto.randomUUID()) });
    expect(unknown.removeRedirectUri).toMatchObject({ __typename: "NotFoundError", resource: "RedirectUri" });

    const listed: any = await admin.request(URIS, { id: app.id });
    expect(listed.node.redirectUris.map((r: { uri: string }) => r.uri)).toEqual(["https://private.example/cb"]);
  });

  it("needs apps:write to change and apps:read to read", async () => {
    const app = await newApp(admin, "Guarded");
    const added: any = await admin.request(ADD, { applicationId: app.id, uri: "https://guarded.example/cb" });
    const reader = controlPlane(server, await apiKeyFor(server, organizationId, ["apps:read"]));
    const add: any = await reader.request(ADD, { applicationId: app.id, uri: "https://guarded.example/other" });
    expect(add.addRedirectUri).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const remove: any = await reader.request(REMOVE, { id: added.addRedirectUri.redirectUri.id });
    expect(remove.removeRedirectUri).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const read: any = await reader.request(URIS, { id: app.id });
    expect(read.node.redirectUris).toHaveLength(1);

    const grantsOnly = controlPlane(server, await apiKeyFor(server, organizationId, ["grants:read"]));
    const errors = await graphqlErrors(
      grantsOnly.request(`query ($id: ID!) { node(id: $id) { ... on RedirectUri { uri } } }`, {
        id: added.addRedirectUri.redirectUri.id,
      }),
    );
    expect(errors[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
