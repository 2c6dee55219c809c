import { encodeGlobalID } from "@pothos/plugin-relay";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiKeyFor, controlPlane, graphqlErrors } from "../../support/control-plane.ts";
import { basic, type JsonResponse, postForm } from "../../support/oauth-client.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;

type App = { id: string; rowId: string; clientId: string; clientSecret: string | null };

const CREATE_APP = /* GraphQL */ `
  mutation ($input: CreateApplicationInput!) {
    createApplication(input: $input) {
      ... on CreateApplicationPayload { clientSecret application { id clientId } }
    }
  }
`;

const SECRET_FIELDS = "id name last4 createdAt expiresAt lastUsedAt revokedAt status";
const ERROR_FIELDS = `
  ... on Error { message code }
  ... on ValidationError { field }
  ... on NotFoundError { resource }
`;

const CREATE = /* GraphQL */ `
  mutation ($applicationId: ID!, $name: String!, $expiresAt: DateTime) {
    createClientSecret(applicationId: $applicationId, name: $name, expiresAt: $expiresAt) {
      __typename
      ... on CreateClientSecretPayload { secret clientSecret { ${SECRET_FIELDS} application { id } } }
      ${ERROR_FIELDS}
    }
  }
`;

const ROTATE = /* GraphQL */ `
  mutation ($applicationId: ID!, $overlapSeconds: Int, $name: String) {
    rotateClientSecret(applicationId: $applicationId, overlapSeconds: $overlapSeconds, name: $name) {
      __typename
      ... on RotateClientSecretPayload { secret previousSecretsExpireAt clientSecret { ${SECRET_FIELDS} } }
      ${ERROR_FIELDS}
    }
  }
`;

const REVOKE = /* GraphQL */ `
  mutation ($id: ID!, $overlapSeconds: Int) {
    revokeClientSecret(id: $id, overlapSeconds: $overlapSeconds) {
      __typename
      ... on RevokeClientSecretPayload { clientSecret { ${SECRET_FIELDS} } }
      ${ERROR_FIELDS}
    }
  }
`;

const SECRETS = /* GraphQL */ `
  query ($id: ID!) { node(id: $id) { ... on Application { clientSecrets { ${SECRET_FIELDS} } } } }
`;

function sql<T = Record<string, any>>(query: string, params: unknown[] = []): Promise<T[]> {
  return server.orm.em.fork().getConnection().execute(query, params) as Promise<T[]>;
}

async function newApp(type: "CONFIDENTIAL" | "PUBLIC" = "CONFIDENTIAL"): Promise<App> {
  const result: any = await admin.request(CREATE_APP, {
    input: {
      name: `App ${crypto.randomUUID()}`,
      type,
      grantTypes: type === "CONFIDENTIAL" ? ["client_credentials"] : ["authorization_code"],
    },
  });
  const { application, clientSecret } = result.createApplication;
  return {
    id: application.id,
    rowId: Buffer.from(application.id, "base64").toString().split(":")[1]!,
    clientId: application.clientId,
    clientSecret,
  };
}

/** client_credentials at the real token endpoint, authenticating with HTTP Basic (RFC 6749 §2.3.1). */
function token(app: App, secret: string): Promise<JsonResponse> {
  return postForm(server, "/oauth2/token", { grant_type: "client_credentials" }, { auth: basic(app.clientId, secret) });
}

async function expectWorks(app: App, secret: string): Promise<void> {
  const { status, body } = await token(app, secret);
  expect(status, JSON.stringify(body)).toBe(200);
  expect(body.access_token).toEqual(expect.any(String));
}

async function expectRefused(app: App, secret: string): Promise<void> {
  const { status, body } = await token(app, secret);
  expect(status).toBe(401);
  expect(body.error).toBe("invalid_client");
}

async function secretsOf(app: App): Promise<any[]> {
  const result: any = await admin.request(SECRETS, { id: app.id });
  return result.node.clientSecrets;
}

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
});
afterAll(() => server?.stop());

describe("client secrets", () => {
  it("rotates only the secret clientSecretId names: the app's other secrets keep working without an expiry", async () => {
    const app = await newApp();
    const other: any = await admin.request(CREATE, { applicationId: app.id, name: "partner" });
    const [managed] = (await secretsOf(app)).filter((secret) => secret.name !== "partner");
    const scoped = /* GraphQL */ `
      mutation ($applicationId: ID!, $clientSecretId: ID, $overlapSeconds: Int) {
        rotateClientSecret(applicationId: $applicationId, clientSecretId: $clientSecretId, overlapSeconds: $overlapSeconds) {
          __typename
          ... on RotateClientSecretPayload { secret previousSecretsExpireAt clientSecret { id } }
          ${ERROR_FIELDS}
        }
      }
    `;
    const rotated: any = await admin.request(scoped, {
      applicationId: app.id,
      clientSecretId: managed.id,
      overlapSeconds: 0,
    });
    expect(rotated.rotateClientSecret.__typename).toBe("RotateClientSecretPayload");
    await expectRefused(app, app.clientSecret!);
    await expectWorks(app, other.createClientSecret.secret);
    await expectWorks(app, rotated.rotateClientSecret.secret);
    const partner = (await secretsOf(app)).find((secret) => secret.name === "partner");
    expect(partner).toMatchObject({ status: "ACTIVE", expiresAt: null });

    // The managed secret, already dead, is replaced all the same; another app's secret is not found.
    const again: any = await admin.request(scoped, { applicationId: app.id, clientSecretId: managed.id });
    expect(again.rotateClientSecret).toMatchObject({
      __typename: "RotateClientSecretPayload",
      previousSecretsExpireAt: null,
    });
    const stranger = await newApp();
    const foreign: any = await admin.request(scoped, { applicationId: stranger.id, clientSecretId: managed.id });
    expect(foreign.rotateClientSecret).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    await expectWorks(stranger, stranger.clientSecret!);
  });

  it("rotates without cutting the deploy off: both secrets work during the overlap, then only the new one", async () => {
    const app = await newApp();
    const first = app.clientSecret!;
    await expectWorks(app, first);

    const rotated: any = await admin.request(ROTATE, { applicationId: app.id, overlapSeconds: 3600, name: "v2" });
    const payload = rotated.rotateClientSecret;
    expect(payload).toMatchObject({
      __typename: "RotateClientSecretPayload",
      secret: expect.stringMatching(/^latch_cs_/),
      clientSecret: { name: "v2", status: "ACTIVE", expiresAt: null, revokedAt: null },
    });
    const second: string = payload.secret;
    expect(payload.clientSecret.last4).toBe(second.slice(-4));
    const cutoff = new Date(payload.previousSecretsExpireAt).getTime();
    expect(cutoff - Date.now()).toBeGreaterThan(3500_000);
    expect(cutoff - Date.now()).toBeLessThanOrEqual(3600_000);

    await expectWorks(app, first);
    await expectWorks(app, second);
    const during = await secretsOf(app);
    expect(during).toHaveLength(2);
    expect(during[0]).toMatchObject({
      name: "Initial secret",
      status: "ACTIVE",
      expiresAt: payload.previousSecretsExpireAt,
      last4: first.slice(-4),
    });
    expect(during[0].lastUsedAt).not.toBeNull();

    // The overlap ends: move the old secret's expiry into the past, as the clock would.
    await sql(
      "update client_secrets set expires_at = now() - interval '1 second' where application_id = ? and name = ?",
      [app.rowId, "Initial secret"],
    );
    // A change made behind the services' back reaches the server's client cache through NOTIFY, within moments.
    await expect.poll(async () => (await token(app, first)).status, { timeout: 5000, interval: 50 }).toBe(401);
    await expectRefused(app, first);
    await expectWorks(app, second);
    const after = await secretsOf(app);
    expect(after.map((s: any) => [s.name, s.status])).toEqual([
      ["Initial secret", "EXPIRED"],
      ["v2", "ACTIVE"],
    ]);
  });

  it("with overlapSeconds 0 cuts the old secret off at once, and never lengthens an earlier expiry", async () => {
    const app = await newApp();
    const soon = new Date(Date.now() + 600_000).toISOString();
    const created: any = await admin.request(CREATE, { applicationId: app.id, name: "short-lived", expiresAt: soon });
    expect(created.createClientSecret.clientSecret).toMatchObject({ expiresAt: soon, status: "ACTIVE" });
    await expectWorks(app, created.createClientSecret.secret);

    const long: any = await admin.request(ROTATE, { applicationId: app.id, overlapSeconds: 3600 });
    const afterLong = await secretsOf(app);
    expect(afterLong.find((s: any) => s.name === "short-lived").expiresAt).toBe(soon);
    expect(long.rotateClientSecret.previousSecretsExpireAt).toBe(afterLong[0].expiresAt);

    const rotated: any = await admin.request(ROTATE, { applicationId: app.id, overlapSeconds: 0 });
    expect(rotated.rotateClientSecret.__typename).toBe("RotateClientSecretPayload");
    await expectRefused(app, app.clientSecret!);
    await expectRefused(app, created.createClientSecret.secret);
    await expectRefused(app, long.rotateClientSecret.secret);
    await expectWorks(app, rotated.rotateClientSecret.secret);
    const statuses = (await secretsOf(app)).map((s: any) => s.status);
    expect(statuses).toEqual(["EXPIRED", "EXPIRED", "EXPIRED", "ACTIVE"]);

    const none = await newApp();
    await sql("update client_secrets set revoked_at = now() where application_id = ?", [none.rowId]);
    const fresh: any = await admin.request(ROTATE, { applicationId: none.id });
    expect(fresh.rotateClientSecret.previousSecretsExpireAt).toBeNull();
    await expectWorks(none, fresh.rotateClientSecret.secret);
  });

  it("revokes a secret at once, idempotently", async () => {
    const app = await newApp();
    const created: any = await admin.request(CREATE, { applicationId: app.id, name: "to revoke" });
    const { secret, clientSecret } = created.createClientSecret;
    await expectWorks(app, secret);
    const revoked: any = await admin.request(REVOKE, { id: clientSecret.id });
    expect(revoked.revokeClientSecret.clientSecret).toMatchObject({ id: clientSecret.id, status: "REVOKED" });
    expect(revoked.revokeClientSecret.clientSecret.revokedAt).not.toBeNull();
    await expectRefused(app, secret);
    await expectWorks(app, app.clientSecret!);

    const again: any = await admin.request(REVOKE, { id: clientSecret.id });
    expect(again.revokeClientSecret.clientSecret.revokedAt).toBe(revoked.revokeClientSecret.clientSecret.revokedAt);
    const events = await sql("select id from events where type = 'client_secret.revoked' and subject_id = ?", [
      Buffer.from(clientSecret.id, "base64").toString().split(":")[1],
    ]);
    expect(events).toHaveLength(1);
  });

  it("revokes a secret after an overlap: it works until then, a shorter overlap shortens it, a longer one never extends it", async () => {
    const app = await newApp();
    const created: any = await admin.request(CREATE, { applicationId: app.id, name: "being replaced" });
    const { secret, clientSecret } = created.createClientSecret;
    const before = Date.now();
    const later: any = await admin.request(REVOKE, { id: clientSecret.id, overlapSeconds: 3600 });
    const kept = later.revokeClientSecret.clientSecret;
    expect(kept).toMatchObject({ id: clientSecret.id, status: "ACTIVE", revokedAt: null });
    const expiresAt = Date.parse(kept.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
    await expectWorks(app, secret);

    // A longer overlap changes nothing (and records nothing); a shorter one brings the end closer.
    const longer: any = await admin.request(REVOKE, { id: clientSecret.id, overlapSeconds: 7200 });
    expect(longer.revokeClientSecret.clientSecret.expiresAt).toBe(kept.expiresAt);
    const shorter: any = await admin.request(REVOKE, { id: clientSecret.id, overlapSeconds: 1 });
    expect(Date.parse(shorter.revokeClientSecret.clientSecret.expiresAt)).toBeLessThan(expiresAt);
    await vi.waitFor(() => expectRefused(app, secret), { timeout: 5000, interval: 250 });
    expect((await secretsOf(app)).find((s: any) => s.id === clientSecret.id).status).toBe("EXPIRED");
    const events = await sql<{ payload: any }>(
      "select payload from events where type = 'client_secret.revoked' and subject_id = ? order by created_at",
      [Buffer.from(clientSecret.id, "base64").toString().split(":")[1]],
    );
    expect(events.map((event) => Date.parse(event.payload.stopsWorkingAt))).toEqual([
      expiresAt,
      Date.parse(shorter.revokeClientSecret.clientSecret.expiresAt),
    ]);

    for (const overlapSeconds of [-1, 30 * 86400 + 1]) {
      const bad: any = await admin.request(REVOKE, { id: clientSecret.id, overlapSeconds });
      expect(bad.revokeClientSecret).toMatchObject({ __typename: "ValidationError", field: "overlapSeconds" });
    }
  });

  it("shows the plaintext only in the create and rotate payloads, never in reads or events", async () => {
    const app = await newApp();
    const created: any = await admin.request(CREATE, { applicationId: app.id, name: "shown once" });
    const rotated: any = await admin.request(ROTATE, { applicationId: app.id, overlapSeconds: 60 });
    const plaintexts = [app.clientSecret!, created.createClientSecret.secret, rotated.rotateClientSecret.secret];
    for (const plaintext of plaintexts) expect(plaintext).toMatch(/^latch_cs_/);

    const read: any = await admin.request(
      `query ($id: ID!) { node(id: $id) { ... on Application { clientSecrets { ${SECRET_FIELDS} application { clientId } } } } }`,
      { id: app.id },
    );
    const serialized = JSON.stringify(read);
    expect(read.node.clientSecrets).toHaveLength(3);
    const stored = JSON.stringify(await sql("select * from client_secrets where application_id = ?", [app.rowId]));
    const events = JSON.stringify(await sql("select * from events where application_id = ?", [app.rowId]));
    for (const plaintext of plaintexts) {
      expect(serialized).not.toContain(plaintext);
      expect(serialized).not.toContain(plaintext.slice(9));
      expect(stored).not.toContain(plaintext);
      expect(events).not.toContain(plaintext);
    }
    const hashes = await sql<{ secret_hash: string }>(
      "select secret_hash from client_secrets where application_id = ?",
      [app.rowId],
    );
    for (const { secret_hash } of hashes) expect(serialized).not.toContain(secret_hash);
  });

  it("refuses bad input with a ValidationError naming the field, and public apps outright", async () => {
    const app = await newApp();
    const cases: [string, Record<string, unknown>, string][] = [
      [CREATE, { name: "past", expiresAt: new Date(Date.now() - 1000).toISOString() }, "expiresAt"],
      [CREATE, { name: "   " }, "name"],
      [CREATE, { name: "x".repeat(101) }, "name"],
      [ROTATE, { overlapSeconds: -1 }, "overlapSeconds"],
      [ROTATE, { overlapSeconds: 30 * 86400 + 1 }, "overlapSeconds"],
      [ROTATE, { name: "" }, "name"],
    ];
    for (const [mutation, variables, field] of cases) {
      const result: any = await admin.request(mutation, { applicationId: app.id, ...variables });
      const payload = result.createClientSecret ?? result.rotateClientSecret;
      expect(payload, JSON.stringify(variables)).toMatchObject({ __typename: "ValidationError", field });
    }
    const maxOverlap: any = await admin.request(ROTATE, { applicationId: app.id, overlapSeconds: 30 * 86400 });
    expect(maxOverlap.rotateClientSecret.__typename).toBe("RotateClientSecretPayload");
    expect(await secretsOf(app)).toHaveLength(2);

    const publicApp = await newApp("PUBLIC");
    expect(publicApp.clientSecret).toBeNull();
    const create: any = await admin.request(CREATE, { applicationId: publicApp.id, name: "nope" });
    expect(create.createClientSecret).toMatchObject({
      __typename: "ValidationError",
      field: "applicationId",
      message: "public applications have no client secrets",
    });
    const rotate: any = await admin.request(ROTATE, { applicationId: publicApp.id });
    expect(rotate.rotateClientSecret).toMatchObject({ __typename: "ValidationError", field: "applicationId" });
    expect(await secretsOf(publicApp)).toEqual([]);
  });

  it("writes client_secret.created, .rotated and .revoked events with ids, names and last4", async () => {
    const app = await newApp();
    const created: any = await admin.request(CREATE, { applicationId: app.id, name: "audited" });
    const rotated: any = await admin.request(ROTATE, { applicationId: app.id, overlapSeconds: 120, name: "next" });
    await admin.request(REVOKE, { id: created.createClientSecret.clientSecret.id });
    const events = await sql<{ type: string; actor_type: string; payload: Record<string, any> }>(
      "select type, actor_type, payload from events where application_id = ? and type like 'client_secret.%' order by created_at",
      [app.rowId],
    );
    expect(events.map((e) => e.type)).toEqual([
      "client_secret.created",
      "client_secret.rotated",
      "client_secret.revoked",
    ]);
    expect(events.every((e) => e.actor_type === "api_key")).toBe(true);
    expect(events[0]!.payload).toMatchObject({
      applicationId: app.rowId,
      name: "audited",
      last4: created.createClientSecret.clientSecret.last4,
      expiresAt: null,
    });
    expect(events[1]!.payload).toMatchObject({
      applicationId: app.rowId,
      name: "next",
      last4: rotated.rotateClientSecret.clientSecret.last4,
      overlapSeconds: 120,
    });
    expect(events[1]!.payload.previousSecrets.map((s: any) => s.name)).toEqual(["Initial secret", "audited"]);
    expect(events[2]!.payload).toMatchObject({ name: "audited", last4: created.createClientSecret.clientSecret.last4 });
  });

  it("loads the secrets of a whole page of apps in one SQL statement", async () => {
    await newApp();
    await newApp();
    const connection = server.orm.em.getConnection();
    const execute = vi.spyOn(connection, "execute");
    try {
      const page: any = await admin.request(
        `{ applications(first: 100) { edges { node { clientSecrets { status } } } } }`,
      );
      expect(page.applications.edges.length).toBeGreaterThan(2);
      const statements = execute.mock.calls.map(([query]) => String(query)).filter((q) => q.includes("client_secrets"));
      expect(statements).toHaveLength(1);
    } finally {
      execute.mockRestore();
    }
  });

  it("never lets another organization see, create, rotate or revoke an app's secrets", async () => {
    const app = await newApp();
    const [initial] = await secretsOf(app);
    const { organizationId: otherOrg } = await createUser(server.orm);
    const other = controlPlane(server, await apiKeyFor(server, otherOrg));

    const errors = await graphqlErrors(other.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: initial.id }));
    expect(errors[0]?.message).toBe("ClientSecret not found");
    const create: any = await other.request(CREATE, { applicationId: app.id, name: "stolen" });
    expect(create.createClientSecret).toMatchObject({ __typename: "NotFoundError", resource: "Application" });
    const rotate: any = await other.request(ROTATE, { applicationId: app.id, overlapSeconds: 0 });
    expect(rotate.rotateClientSecret).toMatchObject({ __typename: "NotFoundError", resource: "Application" });
    const revoke: any = await other.request(REVOKE, { id: initial.id });
    expect(revoke.revokeClientSecret).toMatchObject({ __typename: "NotFoundError", resource: "ClientSecret" });
    const unknown: any = await admin.request(REVOKE, { id: encodeGlobalID("ClientSecret", crypto.randomUUID()) });
    expect(unknown.revokeClientSecret).toMatchObject({ __typename: "NotFoundError", resource: "ClientSecret" });

    expect(await secretsOf(app)).toEqual([initial]);
    await expectWorks(app, app.clientSecret!);
  });

  it("needs apps:write to change secrets and apps:read to list them", async () => {
    const app = await newApp();
    const [initial] = await secretsOf(app);
    const reader = controlPlane(server, await apiKeyFor(server, organizationId, ["apps:read"]));
    const create: any = await reader.request(CREATE, { applicationId: app.id, name: "nope" });
    expect(create.createClientSecret).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const rotate: any = await reader.request(ROTATE, { applicationId: app.id });
    expect(rotate.rotateClientSecret).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const revoke: any = await reader.request(REVOKE, { id: initial.id });
    expect(revoke.revokeClientSecret).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const read: any = await reader.request(SECRETS, { id: app.id });
    expect(read.node.clientSecrets).toEqual([initial]);

    const grantsOnly = controlPlane(server, await apiKeyFor(server, organizationId, ["grants:read"]));
    const errors = await graphqlErrors(
      grantsOnly.request(`query ($id: ID!) { node(id: $id) { ... on ClientSecret { last4 } } }`, { id: initial.id }),
    );
    expect(errors[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
