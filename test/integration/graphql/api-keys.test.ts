import { ClientError, type GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../../server/crypto/sha256.ts";
import { ApiKey, Event } from "../../../server/db/entities/index.ts";
import { API_KEY_SCOPES } from "../../../server/services/api-key-scopes.ts";
import { apiKeyFor, controlPlane, globalId, graphqlErrors } from "../../support/control-plane.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;

const FIELDS = `id name last4 scopes createdAt expiresAt lastUsedAt revokedAt createdBy { id }`;
const ERRORS = `... on Error { message code } ... on ValidationError { field } ... on NotFoundError { resource }`;
const CREATE = `mutation ($name: String!, $scopes: [String!]!, $expiresAt: DateTime) {
  createApiKey(name: $name, scopes: $scopes, expiresAt: $expiresAt) {
    __typename ... on CreateApiKeyPayload { key apiKey { ${FIELDS} } } ${ERRORS} } }`;
const REVOKE = `mutation ($id: ID!) { revokeApiKey(id: $id) {
  __typename ... on RevokeApiKeyPayload { apiKey { ${FIELDS} } } ${ERRORS} } }`;
const LIST = `query ($all: Boolean) { apiKeys(first: 100, includeRevoked: $all) { totalCount edges { node { ${FIELDS} } } } }`;

const rowIdOf = (id: string) => Buffer.from(id, "base64").toString().split(":")[1]!;
const eventsOf = (subjectId: string) =>
  server.orm.em.fork().find(Event, { organizationId, subjectId }, { orderBy: { createdAt: "asc", id: "asc" } });

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
});
afterAll(() => server?.stop());

async function statusOf(run: Promise<unknown>): Promise<{ status: number; code: unknown }> {
  try {
    await run;
    return { status: 200, code: null };
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    return { status: error.response.status, code: error.response.errors?.[0]?.extensions?.code };
  }
}

describe("API keys", () => {
  it("mints a key shown once that works at once, lists it without its hash, and refuses it right after revocation", async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created: any = await admin.request(CREATE, {
      name: "  deploy bot ",
      scopes: ["apps:read", "apps:read"],
      expiresAt,
    });
    const payload = created.createApiKey;
    expect(payload.__typename).toBe("CreateApiKeyPayload");
    expect(payload.key).toMatch(/^latch_ak_[0-9A-Za-z]{49}$/);
    expect(payload.apiKey).toMatchObject({
      name: "deploy bot",
      last4: payload.key.slice(-4),
      scopes: ["apps:read"],
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
      createdBy: null,
    });

    const key = controlPlane(server, payload.key);
    const viewer: any = await key.request(`{ viewer { kind scopes } applications { totalCount } }`);
    expect(viewer.viewer).toEqual({ kind: "API_KEY", scopes: ["apps:read"] });

    const row = await server.orm.em.fork().findOneOrFail(ApiKey, { id: rowIdOf(payload.apiKey.id) });
    expect(row.keyHash).toBe(hashSecret(payload.key));
    expect(row.lastUsedAt).not.toBeNull();
    const list: any = await admin.request(LIST);
    const listed = list.apiKeys.edges.find((e: any) => e.node.id === payload.apiKey.id).node;
    expect(listed.lastUsedAt).not.toBeNull();
    const body = JSON.stringify(list);
    expect(body).not.toContain(payload.key);
    expect(body).not.toContain(row.keyHash);

    const revoked: any = await admin.request(REVOKE, { id: payload.apiKey.id });
    expect(revoked.revokeApiKey.apiKey.revokedAt).not.toBeNull();
    expect(await statusOf(key.request(`{ viewer { kind } }`))).toEqual({ status: 401, code: "UNAUTHENTICATED" });

    const again: any = await admin.request(REVOKE, { id: payload.apiKey.id });
    expect(again.revokeApiKey.apiKey.revokedAt).toBe(revoked.revokeApiKey.apiKey.revokedAt);

    const active: any = await admin.request(LIST);
    expect(active.apiKeys.edges.map((e: any) => e.node.id)).not.toContain(payload.apiKey.id);
    const all: any = await admin.request(LIST, { all: true });
    expect(all.apiKeys.edges.map((e: any) => e.node.id)).toContain(payload.apiKey.id);
    expect(all.apiKeys.totalCount).toBe(active.apiKeys.totalCount + 1);

    const events = await eventsOf(row.id);
    expect(events.map((e) => e.type)).toEqual(["api_key.created", "api_key.revoked"]);
    for (const event of events) {
      expect(event).toMatchObject({ subjectType: "api_key", actorType: "api_key" });
      expect(event.payload).toMatchObject({ apiKeyId: row.id, name: "deploy bot", last4: row.last4 });
      expect(JSON.stringify(event.payload)).not.toContain(payload.key);
      expect(JSON.stringify(event.payload)).not.toContain(row.keyHash);
    }
  });

  it("lets a key revoke itself, and its very next request is refused", async () => {
    const created: any = await admin.request(CREATE, { name: "self", scopes: ["admin"] });
    const self = controlPlane(server, created.createApiKey.key);
    const result: any = await self.request(`mutation ($id: ID!) { revokeApiKey(id: $id) { __typename } }`, {
      id: created.createApiKey.apiKey.id,
    });
    expect(result.revokeApiKey.__typename).toBe("RevokeApiKeyPayload");
    expect(await statusOf(self.request(`{ viewer { kind } }`))).toEqual({ status: 401, code: "UNAUTHENTICATED" });
  });

  it("returns typed errors for unknown scopes, a past expiry or a bad name, and mints nothing", async () => {
    const count = () => server.orm.em.fork().count(ApiKey, { organization: organizationId });
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "x", scopes: ["root"] }, "scopes"],
      [{ name: "x", scopes: ["apps:read", "webhooks:read"] }, "scopes"],
      [{ name: "x", scopes: [] }, "scopes"],
      [{ name: "x", scopes: ["admin"], expiresAt: new Date(Date.now() - 1000).toISOString() }, "expiresAt"],
      [{ name: " ", scopes: ["admin"] }, "name"],
      [{ name: "x".repeat(101), scopes: ["admin"] }, "name"],
    ];
    for (const [variables, field] of cases) {
      const result: any = await admin.request(CREATE, variables);
      expect(result.createApiKey, JSON.stringify(variables)).toMatchObject({
        __typename: "ValidationError",
        field,
        code: "VALIDATION_FAILED",
      });
    }
    expect(await count()).toBe(before);
    const missing: any = await admin.request(REVOKE, { id: globalId("ApiKey", crypto.randomUUID()) });
    expect(missing.revokeApiKey).toMatchObject({ __typename: "NotFoundError", resource: "ApiKey" });
  });

  it("lets only admin keys read, mint or revoke API keys", async () => {
    const victim: any = await admin.request(CREATE, { name: "victim", scopes: ["apps:read"] });
    for (const scope of API_KEY_SCOPES) {
      const client = controlPlane(server, await apiKeyFor(server, organizationId, [scope]));
      const allowed = scope === "admin";
      const list = client.request(`{ apiKeys { totalCount } }`);
      if (allowed) expect(((await list) as any).apiKeys.totalCount, scope).toBeGreaterThan(0);
      else expect((await graphqlErrors(list))[0]?.extensions?.code, scope).toBe("FORBIDDEN");
      if (!allowed) {
        const node = await graphqlErrors(
          client.request(`query ($id: ID!) { node(id: $id) { ... on ApiKey { name } } }`, {
            id: victim.createApiKey.apiKey.id,
          }),
        );
        expect(node[0]?.extensions?.code, scope).toBe("FORBIDDEN");
      }

      const created: any = await client.request(
        `mutation { createApiKey(name: "escalate", scopes: ["admin"]) { __typename ... on Error { code } } }`,
      );
      expect(created.createApiKey.__typename, scope).toBe(allowed ? "CreateApiKeyPayload" : "ForbiddenError");
      if (!allowed) {
        const revoke: any = await client.request(`mutation ($id: ID!) { revokeApiKey(id: $id) { __typename } }`, {
          id: victim.createApiKey.apiKey.id,
        });
        expect(revoke.revokeApiKey.__typename, scope).toBe("ForbiddenError");
      }
    }
    const row = await server.orm.em.fork().findOneOrFail(ApiKey, { id: rowIdOf(victim.createApiKey.apiKey.id) });
    expect(row.revokedAt).toBeNull();
  });

  it("never shows or revokes another organization's keys", async () => {
    const created: any = await admin.request(CREATE, { name: "ours", scopes: ["apps:read"] });
    const { organizationId: otherOrg } = await createUser(server.orm);
    const otherKey = await apiKeyFor(server, otherOrg);
    const other = controlPlane(server, otherKey);

    const list: any = await other.request(`{ apiKeys(includeRevoked: true) { totalCount edges { node { name } } } }`);
    expect(list.apiKeys.totalCount).toBe(1); // its own admin key only
    expect(list.apiKeys.edges.map((e: any) => e.node.name)).not.toContain("ours");
    const node = await graphqlErrors(
      other.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: created.createApiKey.apiKey.id }),
    );
    expect(node[0]?.message).toBe("ApiKey not found");
    const revoke: any = await other.request(REVOKE, { id: created.createApiKey.apiKey.id });
    expect(revoke.revokeApiKey).toMatchObject({ __typename: "NotFoundError", resource: "ApiKey" });
    const still: any = await controlPlane(server, created.createApiKey.key).request(`{ viewer { kind } }`);
    expect(still.viewer.kind).toBe("API_KEY");
    // A key minted by the other organization acts only there.
    const minted: any = await other.request(CREATE, { name: "theirs", scopes: ["apps:read"] });
    const theirs: any = await controlPlane(server, minted.createApiKey.key).request(`{ organization { id } }`);
    expect(theirs.organization.id).toBe(globalId("Organization", otherOrg));
  });
});
