import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seal } from "../../../server/crypto/envelope.ts";
import { connectionAccessTokenAad, connectionRefreshTokenAad } from "../../../server/crypto/secret-aad.ts";
import {
  Connection,
  type ConnectionStatus,
  type IntegrationCredential,
  User,
} from "../../../server/db/entities/index.ts";
import { apiKeyFor, controlPlane, globalId, graphqlErrors } from "../../support/control-plane.ts";
import { postGraphQL } from "../../support/graphql.ts";
import { insertIntegration } from "../../support/integration-fixtures.ts";
import { createUser, type TestUser } from "../../support/oauth-fixtures.ts";
import { type CountedServer, type StatementCounter, startCountedServer } from "../../support/pg-statement-counter.ts";
import type { TestServer } from "../../support/test-server.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";

let counted: CountedServer;
let counter: StatementCounter;
let server: TestServer;
let apiKey: string;
let upstream: UpstreamProvider;
let admin: GraphQLClient;
let organizationId: string;
let alice: TestUser;
let bob: TestUser;
let github: IntegrationCredential;
let service: IntegrationCredential;
let theirs: Connection;
const rows: Record<string, Connection> = {};
/** Every plaintext token the test stores: none may ever show in a GraphQL response. */
const tokens: string[] = [];

const FIELDS = `id status scopes expiresAt lastRefreshedAt error createdAt updatedAt
  integration { id domain } user { id email displayName }`;
const LIST = `query ($filter: ConnectionFilter, $first: Int, $after: String) {
  connections(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${FIELDS} } } } }`;
const DISCONNECT = `mutation ($id: ID!) { disconnect(connectionId: $id) {
  __typename ... on DisconnectPayload { upstreamRevocation connection { ${FIELDS} } }
  ... on Error { code message } ... on NotFoundError { resource } } }`;

const connectionId = (row: Connection) => globalId("IntegrationConnection", row.id);

/** A connection row with sealed tokens, as the connect flow or the service token job would have written it. */
async function insertConnection(
  integration: IntegrationCredential,
  user: TestUser | null,
  fields: { status: ConnectionStatus; scopes: string[]; expiresAt: Date | null; error?: string },
  createdAt: Date,
): Promise<Connection> {
  const em = server.orm.em.fork();
  const id = crypto.randomUUID();
  const access = `upstream-access-${crypto.randomUUID()}`;
  const refresh = `upstream-refresh-${crypto.randomUUID()}`;
  tokens.push(access, refresh);
  const row = em.create(Connection, {
    id,
    integration: integration.id,
    user: user?.id ?? null,
    status: fields.status,
    accessTokenEncrypted: seal(server.keyring, access, connectionAccessTokenAad(id)),
    refreshTokenEncrypted: user ? seal(server.keyring, refresh, connectionRefreshTokenAad(id)) : null,
    tokenType: "bearer",
    scopes: fields.scopes,
    expiresAt: fields.expiresAt,
    lastRefreshedAt: fields.status === "active" ? createdAt : null,
    error: fields.error ?? null,
    createdAt,
    updatedAt: createdAt,
  });
  await em.flush();
  return row;
}

async function list(variables: Record<string, unknown> = {}, client = admin): Promise<any> {
  return ((await client.request(LIST, variables)) as any).connections;
}

beforeAll(async () => {
  // No worker: its jobs (webhooks, connection refresh) would be counted as the page's statements.
  counted = await startCountedServer({ worker: false });
  ({ server, counter } = counted);
  upstream = await startUpstreamProvider({
    clients: [
      { clientId: "web", clientSecret: "web-secret-0123456789", redirectUris: [`${server.url}/oauth/callback`] },
    ],
  });
  ({ organizationId, user: alice } = await createUser(server.orm));
  ({ user: bob } = await createUser(server.orm));
  apiKey = await apiKeyFor(server, organizationId);
  admin = controlPlane(server, apiKey);
  github = await insertIntegration(server, {
    organizationId,
    domain: "github.com",
    grantType: "authorization_code",
    clientId: "web",
    clientSecret: "web-secret-0123456789",
    authorizeUrl: upstream.endpoints.authorization,
    tokenUrl: upstream.endpoints.token,
    revocationUrl: upstream.endpoints.revocation,
    scopes: ["repo"],
  });
  service = await insertIntegration(server, {
    organizationId,
    domain: "files.example.com",
    grantType: "client_credentials",
    clientId: "svc",
    clientSecret: "svc-secret-0123456789",
    tokenUrl: upstream.endpoints.token,
  });
  const { organizationId: otherOrg } = await createUser(server.orm);
  const otherIntegration = await insertIntegration(server, {
    organizationId: otherOrg,
    domain: "github.com",
    grantType: "authorization_code",
    clientId: "web",
    clientSecret: "web-secret-0123456789",
    authorizeUrl: upstream.endpoints.authorization,
    tokenUrl: upstream.endpoints.token,
  });

  const t0 = Date.parse("2026-11-20T10:00:00.000Z");
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);
  rows.alice = await insertConnection(github, alice, { status: "active", scopes: ["repo"], expiresAt: at(60) }, at(1));
  rows.bob = await insertConnection(
    github,
    bob,
    {
      status: "needs_reauth",
      scopes: ["repo", "read:user"],
      expiresAt: at(-5),
      error: "invalid_grant: the refresh token has expired",
    },
    at(2),
  );
  rows.service = await insertConnection(service, null, { status: "active", scopes: [], expiresAt: at(30) }, at(3));
  theirs = await insertConnection(otherIntegration, null, { status: "active", scopes: [], expiresAt: null }, at(4));
});
afterAll(async () => {
  await upstream?.close();
  await counted?.stop();
});

describe("connections", () => {
  it("lists the organization's connections with their state, and never a token", async () => {
    const page = await list();
    expect(page.totalCount).toBe(3);
    expect(page.edges.map((e: any) => e.node.id)).toEqual(
      [rows.alice, rows.bob, rows.service].map((row) => connectionId(row!)),
    );
    const [a, b, s] = page.edges.map((e: any) => e.node);
    expect(a).toMatchObject({
      status: "ACTIVE",
      scopes: ["repo"],
      expiresAt: "2026-11-20T11:00:00.000Z",
      lastRefreshedAt: "2026-11-20T10:01:00.000Z",
      error: null,
      integration: { id: globalId("Integration", github.id), domain: "github.com" },
      user: { id: alice.id, email: alice.email },
    });
    expect(b).toMatchObject({
      status: "NEEDS_REAUTH",
      scopes: ["repo", "read:user"],
      expiresAt: "2026-11-20T09:55:00.000Z",
      lastRefreshedAt: null,
      error: "invalid_grant: the refresh token has expired",
      user: { id: bob.id },
    });
    // A service connection belongs to the organization, not to a person.
    expect(s).toMatchObject({ status: "ACTIVE", user: null, integration: { domain: "files.example.com" } });

    const body = JSON.stringify(page);
    for (const token of tokens) expect(body).not.toContain(token);
    expect(body).not.toContain(theirs.id);
    // At rest the tokens are ciphertext.
    const raw = await server.orm.em.fork().getConnection().execute(`select * from connections`);
    for (const token of tokens) expect(JSON.stringify(raw)).not.toContain(token);
  });

  it("filters by integration and by status, and pages with cursors", async () => {
    const byIntegration = await list({ filter: { integrationId: globalId("Integration", github.id) } });
    expect(byIntegration.totalCount).toBe(2);
    expect(byIntegration.edges.map((e: any) => e.node.user.id)).toEqual([alice.id, bob.id]);

    const needsReauth = await list({ filter: { status: "NEEDS_REAUTH" } });
    expect(needsReauth.edges.map((e: any) => e.node.id)).toEqual([connectionId(rows.bob!)]);
    const both = await list({ filter: { integrationId: globalId("Integration", service.id), status: "NEEDS_REAUTH" } });
    expect(both).toMatchObject({ totalCount: 0, edges: [] });

    const first = await list({ first: 2 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await list({ first: 2, after: first.pageInfo.endCursor });
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(second.edges.map((e: any) => e.node.id)).toEqual([connectionId(rows.service!)]);
  });

  it("never shows or disconnects another organization's connection", async () => {
    const node = await graphqlErrors(
      admin.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: connectionId(theirs) }),
    );
    expect(node[0]?.message).toBe("IntegrationConnection not found");
    const result: any = await admin.request(DISCONNECT, { id: connectionId(theirs) });
    expect(result.disconnect.__typename).toBe("NotFoundError");
    const row = await server.orm.em.fork().findOneOrFail(Connection, { id: theirs.id });
    expect(row.status).toBe("active");
    expect(row.accessTokenEncrypted).not.toBeNull();
  });

  it("disconnects: revokes upstream, drops the sealed tokens, and shows the connection REVOKED", async () => {
    const result: any = await admin.request(DISCONNECT, { id: connectionId(rows.alice!) });
    expect(result.disconnect).toMatchObject({
      __typename: "DisconnectPayload",
      upstreamRevocation: "REVOKED",
      connection: { id: connectionId(rows.alice!), status: "REVOKED", user: { id: alice.id } },
    });
    expect(upstream.revocations.length).toBeGreaterThan(0);
    for (const token of tokens) expect(JSON.stringify(result)).not.toContain(token);
    const row = await server.orm.em.fork().findOneOrFail(Connection, { id: rows.alice!.id });
    expect(row).toMatchObject({ status: "revoked", accessTokenEncrypted: null, refreshTokenEncrypted: null });
    expect((await list({ filter: { status: "REVOKED" } })).edges.map((e: any) => e.node.id)).toEqual([
      connectionId(rows.alice!),
    ]);
  });

  it("answers a page with each connection's integration and user in the same number of SQL statements for 3 and 40", async () => {
    const bulk = await insertIntegration(server, {
      organizationId,
      domain: "bulk.example.com",
      grantType: "client_credentials",
      clientId: "svc",
      clientSecret: "svc-secret-0123456789",
      tokenUrl: upstream.endpoints.token,
    });
    const seed = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const em = server.orm.em.fork();
        const email = `bulk-${crypto.randomUUID()}@example.com`;
        const user = em.create(User, { email, emailNormalized: email, displayName: email, createdAt: new Date() });
        await em.flush();
        await insertConnection(
          bulk,
          { ...alice, id: user.id },
          { status: "active", scopes: [], expiresAt: null },
          new Date(),
        );
      }
    };
    const PAGE = `query ($filter: ConnectionFilter) { connections(filter: $filter, first: 100) {
      totalCount edges { node { id status integration { domain tokenUrl } user { email } } } } }`;
    const statementsFor = async (expected: number) => {
      counter.reset();
      const { json } = await postGraphQL(
        server.url,
        { query: PAGE, variables: { filter: { integrationId: globalId("Integration", bulk.id) } } },
        apiKey,
      );
      expect(json.errors).toBeUndefined();
      expect(json.data.connections.edges).toHaveLength(expected);
      for (const { node } of json.data.connections.edges) {
        expect(node.integration.domain).toBe("bulk.example.com");
        expect(node.user.email).toMatch(/^bulk-/);
      }
      return counter.count();
    };
    await seed(3);
    await statementsFor(3); // warm-up: prepared statements, pool connections
    const three = await statementsFor(3);
    await seed(37);
    const forty = await statementsFor(40);
    expect(forty).toBe(three);
    // Authentication, the page, the count, one batch of integrations, one of users: a handful, not one per row.
    expect(forty).toBeLessThanOrEqual(6);
  });
});
