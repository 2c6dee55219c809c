import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_IN_SCOPES } from "../../../server/oauth/scope-catalogue.ts";
import { apiKeyFor, controlPlane, graphqlErrors } from "../../support/control-plane.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;

const REDIRECT = "https://scoped.example/cb";

const CREATE_APP = /* GraphQL */ `
  mutation ($input: CreateApplicationInput!) {
    createApplication(input: $input) {
      __typename
      ... on CreateApplicationPayload { application { id clientId allowedScopes } }
      ... on ValidationError { field message }
    }
  }
`;

const LIST = /* GraphQL */ `{ scopes { name description kind builtIn scope { id name } } }`;

const ERROR_FIELDS = `
  ... on Error { message code }
  ... on ValidationError { field }
  ... on ConflictError { field }
  ... on NotFoundError { resource }
`;

const CREATE = /* GraphQL */ `
  mutation ($name: String!, $description: String!) {
    createScope(name: $name, description: $description) {
      __typename
      ... on ScopePayload { scope { id name description createdAt updatedAt } }
      ${ERROR_FIELDS}
    }
  }
`;

const UPDATE = /* GraphQL */ `
  mutation ($id: ID!, $description: String!) {
    updateScope(id: $id, description: $description) {
      __typename
      ... on ScopePayload { scope { id name description } }
      ${ERROR_FIELDS}
    }
  }
`;

const DELETE = /* GraphQL */ `
  mutation ($id: ID!) {
    deleteScope(id: $id) {
      __typename
      ... on DeleteScopePayload { deletedScopeId name }
      ${ERROR_FIELDS}
    }
  }
`;

const SET_ALLOWED = /* GraphQL */ `
  mutation ($applicationId: ID!, $scopes: [String!]!) {
    setAllowedScopes(applicationId: $applicationId, scopes: $scopes) {
      __typename
      ... on ApplicationPayload { application { id allowedScopes } }
      ${ERROR_FIELDS}
    }
  }
`;

function sql<T = Record<string, any>>(query: string, params: unknown[] = []): Promise<T[]> {
  return server.orm.em.fork().getConnection().execute(query, params) as Promise<T[]>;
}

const rowIdOf = (globalId: string) => Buffer.from(globalId, "base64").toString().split(":")[1]!;

async function newApp(client: GraphQLClient): Promise<{ id: string; clientId: string }> {
  const result: any = await client.request(CREATE_APP, {
    input: { name: `App ${crypto.randomUUID()}`, type: "CONFIDENTIAL", redirectUris: [REDIRECT] },
  });
  return result.createApplication.application;
}

async function newScope(client: GraphQLClient, name: string, description = `Access to ${name}`) {
  const result: any = await client.request(CREATE, { name, description });
  expect(result.createScope.__typename, JSON.stringify(result.createScope)).toBe("ScopePayload");
  return result.createScope.scope as { id: string; name: string; description: string };
}

function authorize(clientId: string, scope: string): Promise<Response> {
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope,
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

describe("scopes", () => {
  it("lists every built-in scope with its description and kind", async () => {
    const result: any = await admin.request(LIST);
    const builtIns = result.scopes.filter((scope: any) => scope.builtIn);
    expect(builtIns).toEqual(
      BUILT_IN_SCOPES.map((scope) => ({
        name: scope.name,
        description: scope.description,
        kind: scope.kind.toUpperCase(),
        builtIn: true,
        scope: null,
      })),
    );
    expect(builtIns.map((scope: any) => scope.name)).toEqual(
      expect.arrayContaining(["identify", "email", "guilds", "guilds.join", "offline_access", "chat:read", "all"]),
    );
  });

  it("creates, updates and deletes a custom scope, which apps can allow and request in between", async () => {
    const created = await newScope(admin, "reports:read", "Read your reports");
    const listed: any = await admin.request(LIST);
    expect(listed.scopes.at(-1)).toEqual({
      name: "reports:read",
      description: "Read your reports",
      kind: "CUSTOM",
      builtIn: false,
      scope: { id: created.id, name: "reports:read" },
    });

    const updated: any = await admin.request(UPDATE, {
      id: created.id,
      description: "  Read and export your reports ",
    });
    expect(updated.updateScope.scope).toEqual({
      id: created.id,
      name: "reports:read",
      description: "Read and export your reports",
    });
    const node: any = await admin.request(`query ($id: ID!) { node(id: $id) { ... on Scope { description } } }`, {
      id: created.id,
    });
    expect(node.node.description).toBe("Read and export your reports");

    const app = await newApp(admin);
    const refusedBefore = await authorize(app.clientId, "reports:read");
    expect(refusedBefore.headers.get("location") ?? "").not.toMatch(/^\/login/);
    const allowed: any = await admin.request(SET_ALLOWED, {
      applicationId: app.id,
      scopes: ["identify", "reports:read"],
    });
    expect(allowed.setAllowedScopes).toEqual({
      __typename: "ApplicationPayload",
      application: { id: app.id, allowedScopes: ["identify", "reports:read"] },
    });
    const accepted = await authorize(app.clientId, "identify reports:read");
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toMatch(/^\/login\?/);

    const inUse: any = await admin.request(DELETE, { id: created.id });
    expect(inUse.deleteScope).toMatchObject({ __typename: "ConflictError", code: "CONFLICT" });
    expect(inUse.deleteScope.message).toContain("1 application");
    const second = await newApp(admin);
    await admin.request(SET_ALLOWED, { applicationId: second.id, scopes: ["reports:read"] });
    const twice: any = await admin.request(DELETE, { id: created.id });
    expect(twice.deleteScope.message).toContain("2 applications");

    await admin.request(SET_ALLOWED, { applicationId: app.id, scopes: ["identify"] });
    await admin.request(SET_ALLOWED, { applicationId: second.id, scopes: [] });
    const deleted: any = await admin.request(DELETE, { id: created.id });
    expect(deleted.deleteScope).toEqual({
      __typename: "DeleteScopePayload",
      deletedScopeId: created.id,
      name: "reports:read",
    });
    const after: any = await admin.request(LIST);
    expect(after.scopes.some((scope: any) => scope.name === "reports:read")).toBe(false);
    const gone = await graphqlErrors(admin.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: created.id }));
    expect(gone[0]?.message).toBe("Scope not found");
    const unknown: any = await admin.request(SET_ALLOWED, { applicationId: app.id, scopes: ["reports:read"] });
    expect(unknown.setAllowedScopes).toMatchObject({ __typename: "ValidationError", field: "allowedScopes" });
  });

  it("refuses invalid names, built-in names and duplicates, storing nothing", async () => {
    for (const name of [
      "",
      "Reports",
      "has space",
      "a/b",
      "x".repeat(65),
      "émoji",
      'quote"',
      "identify",
      "chat:read",
    ]) {
      const result: any = await admin.request(CREATE, { name, description: "Something" });
      expect(result.createScope, name).toMatchObject({ __typename: "ValidationError", field: "name" });
    }
    const edge = await newScope(admin, `a.b_c-d:${"e".repeat(56)}`);
    expect(edge.name).toHaveLength(64);
    for (const description of ["", "   ", "x".repeat(201)]) {
      const result: any = await admin.request(CREATE, { name: "valid.name", description });
      expect(result.createScope).toMatchObject({ __typename: "ValidationError", field: "description" });
    }
    await newScope(admin, "twice");
    const duplicate: any = await admin.request(CREATE, { name: "twice", description: "Again" });
    expect(duplicate.createScope).toMatchObject({ __typename: "ConflictError", field: "name" });
    const update: any = await admin.request(UPDATE, { id: edge.id, description: "" });
    expect(update.updateScope).toMatchObject({ __typename: "ValidationError", field: "description" });

    const [{ n }] = (await sql("select count(*)::int as n from scopes where organization_id = ?", [
      organizationId,
    ])) as [{ n: number }];
    expect(n).toBe(2);
  });

  it("writes scope.created, scope.updated and scope.deleted events, and application.updated for allowed scopes", async () => {
    const scope = await newScope(admin, "audit.me");
    await admin.request(UPDATE, { id: scope.id, description: "Changed" });
    await admin.request(UPDATE, { id: scope.id, description: "Changed" });
    await admin.request(DELETE, { id: scope.id });
    const scopeId = rowIdOf(scope.id);
    const events = await sql<{ type: string; actor_type: string; organization_id: string; payload: any }>(
      "select type, actor_type, organization_id, payload from events where subject_id = ? order by created_at",
      [scopeId],
    );
    expect(events.map((e) => e.type)).toEqual(["scope.created", "scope.updated", "scope.deleted"]);
    for (const event of events) {
      expect(event).toMatchObject({ actor_type: "api_key", organization_id: organizationId });
      expect(event.payload).toMatchObject({ scopeId, name: "audit.me" });
    }

    const app = await newApp(admin);
    await admin.request(SET_ALLOWED, { applicationId: app.id, scopes: ["email"] });
    const updates = await sql<{ payload: any }>(
      "select payload from events where type = 'application.updated' and application_id = ?",
      [rowIdOf(app.id)],
    );
    expect(updates).toHaveLength(1);
    expect(updates[0]!.payload.changed).toEqual(["allowedScopes"]);
  });

  it("keeps each organization's scopes to itself", async () => {
    const mine = await newScope(admin, "private:scope");
    const app = await newApp(admin);
    const { organizationId: otherOrg } = await createUser(server.orm);
    const other = controlPlane(server, await apiKeyFor(server, otherOrg));

    const list: any = await other.request(LIST);
    expect(list.scopes.some((scope: any) => scope.name === "private:scope")).toBe(false);
    expect(list.scopes.every((scope: any) => scope.builtIn)).toBe(true);
    const node = await graphqlErrors(other.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: mine.id }));
    expect(node[0]?.message).toBe("Scope not found");
    const update: any = await other.request(UPDATE, { id: mine.id, description: "Stolen" });
    expect(update.updateScope).toMatchObject({ __typename: "NotFoundError", resource: "Scope" });
    const remove: any = await other.request(DELETE, { id: mine.id });
    expect(remove.deleteScope).toMatchObject({ __typename: "NotFoundError", resource: "Scope" });
    const set: any = await other.request(SET_ALLOWED, { applicationId: app.id, scopes: [] });
    expect(set.setAllowedScopes).toMatchObject({ __typename: "NotFoundError", resource: "Application" });

    const theirApp = await newApp(other);
    const borrowed: any = await other.request(SET_ALLOWED, { applicationId: theirApp.id, scopes: ["private:scope"] });
    expect(borrowed.setAllowedScopes).toMatchObject({ __typename: "ValidationError", field: "allowedScopes" });
    const sameName = await newScope(other, "private:scope", "Theirs");
    expect(sameName.id).not.toBe(mine.id);

    const still: any = await admin.request(`query ($id: ID!) { node(id: $id) { ... on Scope { description } } }`, {
      id: mine.id,
    });
    expect(still.node.description).toBe("Access to private:scope");
  });

  it("needs apps:write for every change and apps:read for the catalogue", async () => {
    const scope = await newScope(admin, "guarded");
    const app = await newApp(admin);
    const reader = controlPlane(server, await apiKeyFor(server, organizationId, ["apps:read"]));
    const attempts: [string, string, Record<string, unknown>][] = [
      ["createScope", CREATE, { name: "nope", description: "Nope" }],
      ["updateScope", UPDATE, { id: scope.id, description: "Nope" }],
      ["deleteScope", DELETE, { id: scope.id }],
      ["setAllowedScopes", SET_ALLOWED, { applicationId: app.id, scopes: ["guarded"] }],
    ];
    for (const [field, mutation, variables] of attempts) {
      const result: any = await reader.request(mutation, variables);
      expect(result[field], field).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    }
    const readable: any = await reader.request(LIST);
    expect(readable.scopes.some((entry: any) => entry.name === "guarded")).toBe(true);

    const grantsOnly = controlPlane(server, await apiKeyFor(server, organizationId, ["grants:read"]));
    const errors = await graphqlErrors(grantsOnly.request(LIST));
    expect(errors[0]?.extensions?.code).toBe("FORBIDDEN");
    const nodeErrors = await graphqlErrors(
      grantsOnly.request(`query ($id: ID!) { node(id: $id) { ... on Scope { name } } }`, { id: scope.id }),
    );
    expect(nodeErrors[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
