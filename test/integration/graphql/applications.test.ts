import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, controlPlane, graphqlErrors } from "../../support/control-plane.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;

const CREATE = /* GraphQL */ `
  mutation ($input: CreateApplicationInput!) {
    createApplication(input: $input) {
      __typename
      ... on CreateApplicationPayload { clientSecret application { id clientId name type allowedScopes isActive accessTokenFormat } }
      ... on Error { message code }
      ... on ValidationError { field }
      ... on ConflictError { field }
    }
  }
`;

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
});
afterAll(() => server?.stop());

describe("applications", () => {
  it("creates a confidential app with its first secret shown once, lists it, updates and deletes it", async () => {
    const created: any = await admin.request(CREATE, {
      input: {
        name: "Billing",
        type: "CONFIDENTIAL",
        redirectUris: ["https://billing.example/cb"],
        allowedScopes: ["identify", "email"],
      },
    });
    const payload = created.createApplication;
    expect(payload.__typename).toBe("CreateApplicationPayload");
    expect(payload.clientSecret).toMatch(/^latch_cs_/);
    expect(payload.application).toMatchObject({
      name: "Billing",
      type: "CONFIDENTIAL",
      isActive: true,
      accessTokenFormat: "JWT",
    });

    const list: any = await admin.request(
      `{ applications(first: 10) { totalCount edges { node { id name } } pageInfo { hasNextPage } } }`,
    );
    expect(list.applications.totalCount).toBe(1);
    expect(list.applications.edges[0].node.name).toBe("Billing");

    const updated: any = await admin.request(
      `mutation ($input: UpdateApplicationInput!) { updateApplication(input: $input) { __typename ... on ApplicationPayload { application { name primaryColor accessTokenFormat } } } }`,
      {
        input: { id: payload.application.id, name: "Billing v2", primaryColor: "#112233", accessTokenFormat: "OPAQUE" },
      },
    );
    expect(updated.updateApplication.application).toEqual({
      name: "Billing v2",
      primaryColor: "#112233",
      accessTokenFormat: "OPAQUE",
    });

    const byClientId: any = await admin.request(`query ($c: String!) { application(clientId: $c) { name } }`, {
      c: payload.application.clientId,
    });
    expect(byClientId.application.name).toBe("Billing v2");

    const deleted: any = await admin.request(
      `mutation ($id: ID!) { deleteApplication(id: $id) { __typename ... on DeleteApplicationPayload { deletedApplicationId } } }`,
      { id: payload.application.id },
    );
    expect(deleted.deleteApplication.deletedApplicationId).toBe(payload.application.id);
    const gone: any = await admin.request(`{ applications { totalCount } }`);
    expect(gone.applications.totalCount).toBe(0);
  });

  it("returns typed errors naming the field and changes nothing", async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ name: "", type: "CONFIDENTIAL" }, "ValidationError", "name"],
      [{ name: "x".repeat(101), type: "CONFIDENTIAL" }, "ValidationError", "name"],
      [
        { name: "Frag", type: "CONFIDENTIAL", redirectUris: ["https://a.example/cb#frag"] },
        "ValidationError",
        "redirectUris",
      ],
      [
        { name: "Wild", type: "CONFIDENTIAL", redirectUris: ["https://*.example/cb"] },
        "ValidationError",
        "redirectUris",
      ],
      [
        { name: "Plain", type: "CONFIDENTIAL", redirectUris: ["http://example.com/cb"] },
        "ValidationError",
        "redirectUris",
      ],
      [{ name: "Scopes", type: "CONFIDENTIAL", allowedScopes: ["root"] }, "ValidationError", "allowedScopes"],
      [{ name: "Pwd", type: "CONFIDENTIAL", grantTypes: ["password"] }, "ValidationError", "grantTypes"],
    ];
    for (const [input, typename, field] of cases) {
      const result: any = await admin.request(CREATE, { input });
      expect(result.createApplication, JSON.stringify(input)).toMatchObject({ __typename: typename, field });
    }
    await admin.request(CREATE, { input: { name: "Twice", type: "PUBLIC" } });
    const duplicate: any = await admin.request(CREATE, { input: { name: "Twice", type: "PUBLIC" } });
    expect(duplicate.createApplication).toMatchObject({ __typename: "ConflictError", field: "name", code: "CONFLICT" });
    const count: any = await admin.request(`{ applications { totalCount } }`);
    expect(count.applications.totalCount).toBe(1);
  });

  it("refuses a key without apps:write with a typed ForbiddenError, and one without apps:read on the query", async () => {
    const reader = controlPlane(server, await apiKeyFor(server, organizationId, ["apps:read"]));
    const result: any = await reader.request(CREATE, { input: { name: "Nope", type: "PUBLIC" } });
    expect(result.createApplication).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const grantsOnly = controlPlane(server, await apiKeyFor(server, organizationId, ["grants:read"]));
    const errors = await graphqlErrors(grantsOnly.request(`{ applications { totalCount } }`));
    expect(errors[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("never shows another organization's apps, by list, by client id or by global id", async () => {
    const created: any = await admin.request(CREATE, { input: { name: "Private", type: "PUBLIC" } });
    const { organizationId: otherOrg } = await createUser(server.orm);
    const other = controlPlane(server, await apiKeyFor(server, otherOrg));
    const list: any = await other.request(`{ applications { totalCount edges { node { name } } } }`);
    expect(list.applications).toEqual({ totalCount: 0, edges: [] });
    const byClientId: any = await other.request(`query ($c: String!) { application(clientId: $c) { name } }`, {
      c: created.createApplication.application.clientId,
    });
    expect(byClientId.application).toBeNull();
    const errors = await graphqlErrors(
      other.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: created.createApplication.application.id }),
    );
    expect(errors[0]?.message).toBe("Application not found");
    const update: any = await other.request(
      `mutation ($input: UpdateApplicationInput!) { updateApplication(input: $input) { __typename } }`,
      { input: { id: created.createApplication.application.id, name: "Stolen" } },
    );
    expect(update.updateApplication.__typename).toBe("NotFoundError");
  });
});
