import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openString } from "../../../server/crypto/envelope.ts";
import { integrationPasswordAad, integrationSecretAad } from "../../../server/crypto/secret-aad.ts";
import { Event, IntegrationCredential, Membership } from "../../../server/db/entities/index.ts";
import { API_KEY_SCOPES } from "../../../server/services/api-key-scopes.ts";
import { apiKeyFor, controlPlane, globalId, graphqlErrors } from "../../support/control-plane.ts";
import { createUser, signIn, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";
import { UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let upstream: UpstreamProvider;
let admin: GraphQLClient;
let organizationId: string;
/** Every log line the server writes (from level debug): no secret may ever appear in one. */
const logs: string[] = [];

const SECRET = "gh-oauth-secret-value-ABCD";
const NEW_SECRET = "rotated-upstream-secret-WXYZ";
const PASSWORD = "robot-password-Q7";
const SVC_SECRET = "svc-secret-0123456789";

const FIELDS = `id domain clientId clientSecret authorizeUrl tokenUrl revocationUrl scopes grantType username
  hasPassword audience redirectUri connectUrl createdAt updatedAt`;
const ERRORS = `... on Error { message code } ... on ValidationError { field } ... on ConflictError { field }
  ... on NotFoundError { resource }`;
const RESULT = `__typename ... on IntegrationPayload { integration { ${FIELDS} } } ${ERRORS}`;
const CREATE = `mutation ($input: CreateIntegrationInput!) { createIntegration(input: $input) { ${RESULT} } }`;
const UPDATE = `mutation ($input: UpdateIntegrationInput!) { updateIntegration(input: $input) { ${RESULT} } }`;
const DELETE = `mutation ($id: ID!) { deleteIntegration(id: $id) {
  __typename ... on DeleteIntegrationPayload { deletedIntegrationId } ${ERRORS} } }`;
const TEST = `mutation ($id: ID!) { testIntegration(integrationId: $id) {
  __typename ... on TestIntegrationPayload { ok grantType tokenType expiresIn scopes integration { domain }
    error { code message upstreamError } } ${ERRORS} } }`;
const LIST = `{ integrations(first: 100) { totalCount edges { node { ${FIELDS} } } } }`;
const NODE = `query ($id: ID!) { node(id: $id) { ... on Integration { ${FIELDS} } } }`;

const rowIdOf = (globalId: string) => Buffer.from(globalId, "base64").toString().split(":")[1]!;
const stored = (id: string) => server.orm.em.fork().findOneOrFail(IntegrationCredential, { id });
const eventsOf = (subjectId: string) =>
  server.orm.em
    .fork()
    .find(Event, { subjectType: "integration", subjectId }, { orderBy: { createdAt: "asc", id: "asc" } });

function githubInput(overrides: Record<string, unknown> = {}) {
  return {
    domain: "GitHub.com",
    clientId: "gh-client",
    clientSecret: SECRET,
    authorizeUrl: "https://github.com/login/oauth/authorize",
    tokenUrl: "https://github.com/login/oauth/access_token",
    scopes: ["repo", "read:user"],
    ...overrides,
  };
}

async function create(input: Record<string, unknown>, client = admin): Promise<any> {
  return ((await client.request(CREATE, { input })) as any).createIntegration;
}

async function update(input: Record<string, unknown>, client = admin): Promise<any> {
  return ((await client.request(UPDATE, { input })) as any).updateIntegration;
}

/** GraphQL as a signed-in user of our organization with `role`, through their browser session cookie. */
async function sessionAs(role: "admin" | "member") {
  const { user }: { user: TestUser } = await createUser(server.orm);
  const em = server.orm.em.fork();
  em.create(Membership, { user: user.id, organization: organizationId, role, createdAt: new Date() });
  await em.flush();
  const agent = new UserAgent(server.url);
  expect((await signIn(agent, user)).status).toBe(303);
  const cookie = [...agent.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  return async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "latch-organization": organizationId },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  };
}

beforeAll(async () => {
  server = await startTestServer({ logs });
  upstream = await startUpstreamProvider({
    clients: [{ clientId: "svc", clientSecret: SVC_SECRET, grantTypes: ["client_credentials", "password"] }],
    passwordUsers: { robot: PASSWORD },
    clientCredentialsTtl: 600,
  });
  ({ organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
});
afterAll(async () => {
  await upstream?.close();
  await server?.stop();
});

describe("integrations", () => {
  it("creates, lists, reads, updates and deletes an integration, each change with its audit Event", async () => {
    const created = await create(githubInput());
    expect(created.__typename).toBe("IntegrationPayload");
    const integration = created.integration;
    const id = rowIdOf(integration.id);
    expect(integration).toMatchObject({
      domain: "github.com",
      clientId: "gh-client",
      clientSecret: "•••• ABCD",
      authorizeUrl: "https://github.com/login/oauth/authorize",
      tokenUrl: "https://github.com/login/oauth/access_token",
      revocationUrl: null,
      scopes: ["repo", "read:user"],
      grantType: "AUTHORIZATION_CODE",
      username: null,
      hasPassword: false,
      audience: null,
      redirectUri: `${server.url}/oauth/callback`,
      connectUrl: `${server.url}/connections/${id}/start`,
    });

    const listed: any = await admin.request(LIST);
    expect(listed.integrations.totalCount).toBe(1);
    // Known before any integration exists (the console shows it on the create form): the same shared callback.
    expect(((await admin.request("{ upstreamRedirectUri }")) as any).upstreamRedirectUri).toBe(
      `${server.url}/oauth/callback`,
    );
    expect(listed.integrations.edges[0].node).toEqual(integration);
    expect(((await admin.request(NODE, { id: integration.id })) as any).node).toEqual(integration);

    const updated = await update({
      id: integration.id,
      scopes: ["repo"],
      revocationUrl: "https://github.com/settings/connections/applications/revoke",
      audience: "https://api.github.com",
    });
    expect(updated.integration).toMatchObject({
      scopes: ["repo"],
      revocationUrl: "https://github.com/settings/connections/applications/revoke",
      audience: "https://api.github.com",
      clientSecret: "•••• ABCD",
    });
    const cleared = await update({ id: integration.id, revocationUrl: null, audience: null });
    expect(cleared.integration).toMatchObject({ revocationUrl: null, audience: null });

    const deleted: any = await admin.request(DELETE, { id: integration.id });
    expect(deleted.deleteIntegration.deletedIntegrationId).toBe(integration.id);
    expect(((await admin.request(LIST)) as any).integrations.totalCount).toBe(0);
    expect(await server.orm.em.fork().count(IntegrationCredential, { id })).toBe(0);

    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual([
      "integration.created",
      "integration.updated",
      "integration.updated",
      "integration.deleted",
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ organizationId, actorType: "api_key" });
      expect(event.payload).toMatchObject({ integrationId: id, domain: "github.com", clientId: "gh-client" });
      expect(event.payload.clientSecretLast4).toBe("ABCD");
      expect(JSON.stringify(event.payload)).not.toContain(SECRET);
    }
    expect(events[1]!.payload.changed).toEqual(expect.arrayContaining(["scopes", "revocationUrl", "audience"]));
  });

  it("keeps the client secret write-only: sealed to its row, masked on read, kept by an update that sends none", async () => {
    const created = await create(githubInput({ domain: "write-only.example.com" }));
    const id = rowIdOf(created.integration.id);
    const responses = [JSON.stringify(created)];

    const before = (await stored(id)).clientSecretEncrypted;
    expect(before).toMatch(/^v1\./);
    expect(before).not.toContain(SECRET);
    expect(openString(server.keyring, before, integrationSecretAad(id))).toBe(SECRET);
    // Bound to its row and column: the ciphertext opens nowhere else.
    expect(() => openString(server.keyring, before, integrationSecretAad(crypto.randomUUID()))).toThrow();
    expect(() => openString(server.keyring, before, integrationPasswordAad(id))).toThrow();

    for (const clientSecret of [undefined, "", null, "   "]) {
      const kept = await update({ id: created.integration.id, clientId: `gh-client-${clientSecret}`, clientSecret });
      responses.push(JSON.stringify(kept));
      expect(kept.integration.clientSecret).toBe("•••• ABCD");
      // The sealed column is untouched, not merely re-sealed with the same plaintext.
      expect((await stored(id)).clientSecretEncrypted).toBe(before);
    }

    const replaced = await update({ id: created.integration.id, clientSecret: NEW_SECRET });
    responses.push(JSON.stringify(replaced));
    expect(replaced.integration.clientSecret).toBe("•••• WXYZ");
    const after = await stored(id);
    expect(after.clientSecretEncrypted).not.toBe(before);
    expect(openString(server.keyring, after.clientSecretEncrypted, integrationSecretAad(id))).toBe(NEW_SECRET);
    responses.push(JSON.stringify(await admin.request(LIST)));
    responses.push(JSON.stringify(await admin.request(NODE, { id: created.integration.id })));

    for (const body of responses) {
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain(NEW_SECRET);
    }
    const events = await eventsOf(id);
    expect(events.at(-1)!.payload).toMatchObject({ changed: ["clientSecret"], clientSecretLast4: "WXYZ" });
    expect(JSON.stringify(events.map((e) => e.payload))).not.toMatch(/rotated-upstream-secret|gh-oauth-secret/);
    await admin.request(DELETE, { id: created.integration.id });
  });

  it("stores the password grant's password sealed, never returns it, and drops it when the grant changes", async () => {
    const created = await create({
      domain: "svc.example.com",
      clientId: "svc",
      clientSecret: SVC_SECRET,
      tokenUrl: upstream.endpoints.token,
      grantType: "PASSWORD",
      username: "robot",
      password: PASSWORD,
      scopes: ["files.read"],
    });
    expect(created.integration).toMatchObject({
      grantType: "PASSWORD",
      username: "robot",
      hasPassword: true,
      connectUrl: null,
      authorizeUrl: null,
    });
    const id = rowIdOf(created.integration.id);
    const row = await stored(id);
    expect(row.passwordEncrypted).toMatch(/^v1\./);
    expect(row.passwordEncrypted).not.toContain(PASSWORD);
    expect(openString(server.keyring, row.passwordEncrypted!, integrationPasswordAad(id))).toBe(PASSWORD);

    // Read the table as PostgreSQL holds it: neither secret appears in any column.
    const raw = await server.orm.em
      .fork()
      .getConnection()
      .execute(`select * from integration_credentials where id = ?`, [id]);
    expect(JSON.stringify(raw)).not.toContain(PASSWORD);
    expect(JSON.stringify(raw)).not.toContain(SVC_SECRET);

    for (const password of [undefined, "", null]) {
      const kept = await update({ id: created.integration.id, password, audience: "files" });
      expect(kept.integration.hasPassword).toBe(true);
      expect((await stored(id)).passwordEncrypted).toBe(row.passwordEncrypted);
    }
    const tested: any = await admin.request(TEST, { id: created.integration.id });
    expect(tested.testIntegration).toMatchObject({
      __typename: "TestIntegrationPayload",
      ok: true,
      grantType: "PASSWORD",
      tokenType: "bearer",
      error: null,
    });
    expect(upstream.tokenRequests.get("password")).toBe(1);

    const switched = await update({ id: created.integration.id, grantType: "CLIENT_CREDENTIALS" });
    expect(switched.integration).toMatchObject({ grantType: "CLIENT_CREDENTIALS", username: null, hasPassword: false });
    expect((await stored(id)).passwordEncrypted).toBeNull();
    expect(JSON.stringify([created, switched, tested])).not.toContain(PASSWORD);
    await admin.request(DELETE, { id: created.integration.id });
  });

  it("tests client credentials against the upstream and reports a refusal with the upstream's error code", async () => {
    const created = await create({
      domain: "cc.example.com",
      clientId: "svc",
      clientSecret: SVC_SECRET,
      tokenUrl: upstream.endpoints.token,
      grantType: "CLIENT_CREDENTIALS",
    });
    const before = upstream.tokenRequests.get("client_credentials") ?? 0;
    const ok: any = await admin.request(TEST, { id: created.integration.id });
    expect(ok.testIntegration).toMatchObject({
      ok: true,
      grantType: "CLIENT_CREDENTIALS",
      tokenType: "bearer",
      expiresIn: 600,
      integration: { domain: "cc.example.com" },
    });
    expect(upstream.tokenRequests.get("client_credentials")).toBe(before + 1);

    await update({ id: created.integration.id, clientSecret: "not-the-right-secret" });
    const refused: any = await admin.request(TEST, { id: created.integration.id });
    expect(refused.testIntegration).toMatchObject({
      ok: false,
      tokenType: null,
      error: { upstreamError: "invalid_client" },
    });
    expect(JSON.stringify(refused)).not.toContain("not-the-right-secret");
    await admin.request(DELETE, { id: created.integration.id });
  });

  it("returns typed validation errors naming the field and stores nothing", async () => {
    const count = () => server.orm.em.fork().count(IntegrationCredential, { organization: organizationId });
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ tokenUrl: "" }, "tokenUrl"],
      [{ tokenUrl: "http://github.com/login/oauth/access_token" }, "tokenUrl"],
      [{ tokenUrl: "not a url" }, "tokenUrl"],
      [{ authorizeUrl: null }, "authorizeUrl"],
      [{ authorizeUrl: "http://github.com/login/oauth/authorize" }, "authorizeUrl"],
      [{ revocationUrl: "https://user:pw@github.com/revoke" }, "revocationUrl"],
      [{ clientId: "  " }, "clientId"],
      [{ clientSecret: "" }, "clientSecret"],
      [{ clientSecret: "short" }, "clientSecret"],
      [{ domain: "" }, "domain"],
      [{ domain: "not a domain!" }, "domain"],
      [{ domain: "https://github.com" }, "domain"],
      [{ scopes: ['bad"quote'] }, "scopes"],
      [{ scopes: "back\\slash" }, "scopes"],
      [{ grantType: "PASSWORD", username: "robot" }, "password"],
      [{ grantType: "PASSWORD", password: PASSWORD }, "username"],
      [{ grantType: "CLIENT_CREDENTIALS", password: PASSWORD }, "password"],
    ];
    for (const [overrides, field] of cases) {
      const result = await create(githubInput({ domain: "invalid.example.com", ...overrides }));
      expect(result, JSON.stringify(overrides)).toMatchObject({
        __typename: "ValidationError",
        field,
        code: "VALIDATION_FAILED",
      });
      expect(JSON.stringify(result)).not.toContain(SECRET);
      expect(JSON.stringify(result)).not.toContain(PASSWORD);
    }
    expect(await count()).toBe(before);

    // Seed 004 types the scopes space-separated in one field: a lone string is one list item, read as RFC 6749 §3.3
    // does, so "repo read:user" is two scopes (duplicates and extra spaces dropped).
    const spaced = await create(githubInput({ domain: "spaced.example.com", scopes: " repo  read:user repo " }));
    expect(spaced.integration.scopes).toEqual(["repo", "read:user"]);
    const respaced = await update({ id: spaced.integration.id, scopes: ["files.read files.write"] });
    expect(respaced.integration.scopes).toEqual(["files.read", "files.write"]);

    // Plain http is fine on loopback outside production (a local provider in development).
    const loopback = await create(githubInput({ domain: "loopback.test", tokenUrl: upstream.endpoints.token }));
    expect(loopback.__typename).toBe("IntegrationPayload");
    const first = await create(githubInput({ domain: "dup.example.com" }));
    const twice = await create(githubInput({ domain: "DUP.example.com" }));
    expect(twice).toMatchObject({ __typename: "ConflictError", field: "domain", code: "CONFLICT" });
    const renamed = await update({ id: loopback.integration.id, domain: "dup.example.com" });
    expect(renamed).toMatchObject({ __typename: "ConflictError", field: "domain" });

    const updates: [Record<string, unknown>, string][] = [
      [{ tokenUrl: null }, "tokenUrl"],
      [{ tokenUrl: "http://example.com/token" }, "tokenUrl"],
      [{ authorizeUrl: null }, "authorizeUrl"],
      [{ grantType: "PASSWORD", username: "robot" }, "password"],
      [{ clientSecret: "abc" }, "clientSecret"],
    ];
    for (const [changes, field] of updates) {
      const result = await update({ id: first.integration.id, ...changes });
      expect(result, JSON.stringify(changes)).toMatchObject({ __typename: "ValidationError", field });
    }
    expect(((await admin.request(NODE, { id: first.integration.id })) as any).node).toEqual(first.integration);
    const missing = await update({ id: globalId("Integration", crypto.randomUUID()), clientId: "x" });
    expect(missing).toMatchObject({ __typename: "NotFoundError", resource: "Integration" });
    await admin.request(DELETE, { id: first.integration.id });
    await admin.request(DELETE, { id: loopback.integration.id });
  });

  it("is for admins only: members and API keys without `admin` get FORBIDDEN for every query and mutation", async () => {
    const created = await create(githubInput({ domain: "guarded.example.com" }));
    const id = created.integration.id;
    const OUTCOME = `__typename ... on Error { code }`;
    const operations: [string, Record<string, unknown>, string | null][] = [
      [`{ integrations { edges { node { id } } } }`, {}, null],
      [`{ connections { edges { node { id } } } }`, {}, null],
      [`query ($id: ID!) { node(id: $id) { ... on Integration { domain } } }`, { id }, null],
      [
        `mutation ($input: CreateIntegrationInput!) { createIntegration(input: $input) { ${OUTCOME} } }`,
        { input: githubInput({ domain: "member.example.com" }) },
        "createIntegration",
      ],
      [
        `mutation ($input: UpdateIntegrationInput!) { updateIntegration(input: $input) { ${OUTCOME} } }`,
        { input: { id, clientId: "hijacked" } },
        "updateIntegration",
      ],
      [`mutation ($id: ID!) { deleteIntegration(id: $id) { ${OUTCOME} } }`, { id }, "deleteIntegration"],
      [`mutation ($id: ID!) { testIntegration(integrationId: $id) { ${OUTCOME} } }`, { id }, "testIntegration"],
      [
        `mutation ($id: ID!) { disconnect(connectionId: $id) { ${OUTCOME} } }`,
        { id: globalId("IntegrationConnection", crypto.randomUUID()) },
        "disconnect",
      ],
    ];
    const member = await sessionAs("member");
    // The shared redirect URI is no secret: a member (who may manage apps' sign-in providers) reads it.
    expect((await member("{ upstreamRedirectUri }")).data).toEqual({
      upstreamRedirectUri: `${server.url}/oauth/callback`,
    });
    const nonAdminKeys = await Promise.all(
      API_KEY_SCOPES.filter((scope) => scope !== "admin").map(async (scope) =>
        controlPlane(server, await apiKeyFor(server, organizationId, [scope])),
      ),
    );
    for (const [query, variables, mutation] of operations) {
      const asMember = await member(query, variables);
      if (mutation) expect(asMember.data?.[mutation]?.__typename, query).toBe("ForbiddenError");
      else expect(asMember.errors?.[0]?.extensions?.code, query).toBe("FORBIDDEN");
      for (const client of nonAdminKeys) {
        if (mutation) {
          const result: any = await client.request(query, variables);
          expect(result[mutation].__typename, query).toBe("ForbiddenError");
        } else {
          expect((await graphqlErrors(client.request(query, variables)))[0]?.extensions?.code, query).toBe("FORBIDDEN");
        }
      }
    }
    // Nothing changed, and an admin's session may do what the member may not.
    expect((await stored(rowIdOf(id))).clientId).toBe("gh-client");
    const asAdmin = await (await sessionAs("admin"))(`{ integrations { edges { node { domain clientSecret } } } }`);
    expect(asAdmin.data.integrations.edges.map((e: any) => e.node)).toContainEqual({
      domain: "guarded.example.com",
      clientSecret: "•••• ABCD",
    });
    await admin.request(DELETE, { id });
  });

  it("never shows, changes or tests another organization's integration", async () => {
    const created = await create(githubInput({ domain: "ours.example.com" }));
    const { organizationId: otherOrg } = await createUser(server.orm);
    const other = controlPlane(server, await apiKeyFor(server, otherOrg));

    const list: any = await other.request(LIST);
    expect(list.integrations).toMatchObject({ totalCount: 0, edges: [] });
    const node = await graphqlErrors(other.request(NODE, { id: created.integration.id }));
    expect(node[0]?.message).toBe("Integration not found");
    expect(await update({ id: created.integration.id, clientId: "theirs" }, other)).toMatchObject({
      __typename: "NotFoundError",
      resource: "Integration",
    });
    const removed: any = await other.request(DELETE, { id: created.integration.id });
    expect(removed.deleteIntegration.__typename).toBe("NotFoundError");
    const tested: any = await other.request(TEST, { id: created.integration.id });
    expect(tested.testIntegration.__typename).toBe("NotFoundError");
    // The same domain is free in another organization.
    expect((await create(githubInput({ domain: "ours.example.com" }), other)).__typename).toBe("IntegrationPayload");
    expect((await stored(rowIdOf(created.integration.id))).clientId).toBe("gh-client");
    await admin.request(DELETE, { id: created.integration.id });
  });

  it("writes no client secret or password to the logs", () => {
    expect(logs.length).toBeGreaterThan(0);
    const all = logs.join("\n");
    for (const secret of [SECRET, NEW_SECRET, PASSWORD, SVC_SECRET, "not-the-right-secret"]) {
      expect(all).not.toContain(secret);
    }
  });
});
