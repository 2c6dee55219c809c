import type { GraphQLClient } from "graphql-request";
import { exportPKCS8, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openString } from "../../../server/crypto/envelope.ts";
import { parseMasterKeys } from "../../../server/crypto/master-key.ts";
import { Event, IdentityProvider } from "../../../server/db/entities/index.ts";
import { API_KEY_SCOPES } from "../../../server/services/api-key-scopes.ts";
import { apiKeyFor, controlPlane, globalId, graphqlErrors } from "../../support/control-plane.ts";
import { createApp, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;
let app: TestApp;
let appGlobalId: string;

const FIELDS = `id kind displayName clientId clientSecretLast4 appleTeamId appleKeyId issuer authorizationEndpoint tokenEndpoint userinfoEndpoint scopes enabled createdAt updatedAt application { id }`;
const RESULT = `
  __typename
  ... on IdentityProviderPayload { identityProvider { ${FIELDS} } }
  ... on Error { message code }
  ... on ValidationError { field }
  ... on ConflictError { field }
  ... on NotFoundError { resource }
`;
const CREATE = `mutation ($input: CreateIdentityProviderInput!) { createIdentityProvider(input: $input) { ${RESULT} } }`;
const UPDATE = `mutation ($input: UpdateIdentityProviderInput!) { updateIdentityProvider(input: $input) { ${RESULT} } }`;
const DELETE = `mutation ($id: ID!) { deleteIdentityProvider(id: $id) {
  __typename ... on DeleteIdentityProviderPayload { deletedIdentityProviderId } ... on Error { message code } } }`;
const LIST = `query ($id: ID!) { node(id: $id) { ... on Application { identityProviders { ${FIELDS} } } } }`;

const SECRET = "GOCSPX-upstream-secret-value-1234";
const keyring = () => parseMasterKeys(server.env.LATCH_MASTER_KEY!);
const stored = (id: string) => server.orm.em.fork().findOneOrFail(IdentityProvider, { id });
const events = (type: string) =>
  server.orm.em.fork().find(Event, { organizationId, type }, { orderBy: { createdAt: "asc" } });

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
  app = await createApp(server.orm, organizationId);
  appGlobalId = globalId("Application", app.id);
});
afterAll(() => server?.stop());

async function createGoogle(overrides: Record<string, unknown> = {}, client = admin) {
  const result: any = await client.request(CREATE, {
    input: {
      applicationId: appGlobalId,
      kind: "GOOGLE",
      clientId: "google-client",
      clientSecret: SECRET,
      ...overrides,
    },
  });
  return result.createIdentityProvider;
}

describe("identity providers", () => {
  it("creates, lists on its app, updates and deletes a provider, each with its Event", async () => {
    const created = await createGoogle({ displayName: "Google Workspace" });
    expect(created.__typename).toBe("IdentityProviderPayload");
    const provider = created.identityProvider;
    expect(provider).toMatchObject({
      kind: "GOOGLE",
      displayName: "Google Workspace",
      clientId: "google-client",
      clientSecretLast4: "1234",
      scopes: ["openid", "email", "profile"],
      enabled: true,
      application: { id: appGlobalId },
    });

    const listed: any = await admin.request(LIST, { id: appGlobalId });
    expect(listed.node.identityProviders.map((p: any) => p.id)).toEqual([provider.id]);

    const updated: any = await admin.request(UPDATE, {
      input: { id: provider.id, displayName: null, enabled: false, scopes: ["openid", "email"] },
    });
    expect(updated.updateIdentityProvider.identityProvider).toMatchObject({
      displayName: null,
      enabled: false,
      scopes: ["openid", "email"],
      clientSecretLast4: "1234",
    });

    const deleted: any = await admin.request(DELETE, { id: provider.id });
    expect(deleted.deleteIdentityProvider.deletedIdentityProviderId).toBe(provider.id);
    const after: any = await admin.request(LIST, { id: appGlobalId });
    expect(after.node.identityProviders).toEqual([]);

    const rowId = Buffer.from(provider.id, "base64").toString().split(":")[1];
    for (const type of ["identity_provider.created", "identity_provider.updated", "identity_provider.deleted"]) {
      const [event] = (await events(type)).filter((e) => e.subjectId === rowId);
      expect(event, type).toMatchObject({
        applicationId: app.id,
        subjectType: "identity_provider",
        actorType: "api_key",
      });
      expect(JSON.stringify(event!.payload)).not.toContain(SECRET);
    }
    const [updatedEvent] = await events("identity_provider.updated");
    expect(updatedEvent!.payload.changed).toEqual(expect.arrayContaining(["displayName", "enabled", "scopes"]));
  });

  it("never returns the client secret, stores it sealed to the row, and keeps it when an update sends none", async () => {
    const created = await createGoogle();
    const id = Buffer.from(created.identityProvider.id, "base64").toString().split(":")[1]!;
    const responses = [JSON.stringify(created)];
    responses.push(JSON.stringify(await admin.request(LIST, { id: appGlobalId })));
    responses.push(
      JSON.stringify(
        await admin.request(`query ($id: ID!) { node(id: $id) { ... on IdentityProvider { ${FIELDS} } } }`, {
          id: created.identityProvider.id,
        }),
      ),
    );

    const row = await stored(id);
    expect(row.clientSecretEncrypted).not.toContain(SECRET);
    expect(row.clientSecretEncrypted).toMatch(/^v1\./);
    expect(openString(keyring(), row.clientSecretEncrypted, `identity_provider:${id}`)).toBe(SECRET);
    // Bound to its row: the same ciphertext does not open as another provider's.
    expect(() => openString(keyring(), row.clientSecretEncrypted, "identity_provider:other")).toThrow();

    for (const clientSecret of [undefined, "", null]) {
      const kept: any = await admin.request(UPDATE, {
        input: { id: created.identityProvider.id, clientId: "google-client-2", clientSecret },
      });
      responses.push(JSON.stringify(kept));
      expect(kept.updateIdentityProvider.identityProvider.clientSecretLast4).toBe("1234");
      expect(openString(keyring(), (await stored(id)).clientSecretEncrypted, `identity_provider:${id}`)).toBe(SECRET);
    }

    const replaced: any = await admin.request(UPDATE, {
      input: { id: created.identityProvider.id, clientSecret: "a-brand-new-upstream-secret-9876" },
    });
    responses.push(JSON.stringify(replaced));
    expect(replaced.updateIdentityProvider.identityProvider.clientSecretLast4).toBe("9876");
    expect(openString(keyring(), (await stored(id)).clientSecretEncrypted, `identity_provider:${id}`)).toBe(
      "a-brand-new-upstream-secret-9876",
    );
    for (const body of responses) {
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain("a-brand-new-upstream-secret");
    }
    const rotated = (await events("identity_provider.updated")).filter((e) => e.subjectId === id);
    expect(rotated.at(-1)!.payload).toMatchObject({ changed: ["clientSecret"], clientSecretLast4: "9876" });
    expect(JSON.stringify(rotated.map((e) => e.payload))).not.toContain("a-brand-new-upstream-secret");
    await admin.request(DELETE, { id: created.identityProvider.id });
  });

  it("creates an OIDC provider from an https issuer, and several of them per app", async () => {
    for (const issuer of ["https://login.example.com", "https://sso.example.org/realms/acme"]) {
      const created = await createGoogle({ kind: "OIDC", issuer, tokenEndpoint: `${issuer}/token` });
      expect(created.identityProvider).toMatchObject({ kind: "OIDC", issuer, tokenEndpoint: `${issuer}/token` });
      await admin.request(DELETE, { id: created.identityProvider.id });
    }
  });

  it("returns typed errors naming the field and stores nothing", async () => {
    const before = (await server.orm.em.fork().count(IdentityProvider, {})) as number;
    const cases: [Record<string, unknown>, string, string][] = [
      [{ kind: "OIDC" }, "ValidationError", "issuer"],
      [{ kind: "OIDC", issuer: "http://login.example.com" }, "ValidationError", "issuer"],
      [{ kind: "OIDC", issuer: "https://login.example.com?tenant=1" }, "ValidationError", "issuer"],
      [{ issuer: "not a url" }, "ValidationError", "issuer"],
      [{ authorizationEndpoint: "http://accounts.example.com/auth" }, "ValidationError", "authorizationEndpoint"],
      [{ tokenEndpoint: "http://10.0.0.7/token" }, "ValidationError", "tokenEndpoint"],
      [{ userinfoEndpoint: "ftp://example.com/userinfo" }, "ValidationError", "userinfoEndpoint"],
      [{ clientSecret: "" }, "ValidationError", "clientSecret"],
      [{ clientSecret: "short" }, "ValidationError", "clientSecret"],
      [{ clientId: "  " }, "ValidationError", "clientId"],
      [{ scopes: ["openid", 'has"quote'] }, "ValidationError", "scopes"],
      [{ displayName: "x".repeat(101) }, "ValidationError", "displayName"],
    ];
    for (const [input, typename, field] of cases) {
      const result = await createGoogle(input);
      expect(result, JSON.stringify(input)).toMatchObject({ __typename: typename, field, code: "VALIDATION_FAILED" });
      expect(JSON.stringify(result)).not.toContain(SECRET);
    }
    const missingApp = await createGoogle({ applicationId: globalId("Application", crypto.randomUUID()) });
    expect(missingApp).toMatchObject({ __typename: "NotFoundError", resource: "Application" });
    const wrongType = await createGoogle({ applicationId: globalId("Webhook", app.id) });
    expect(wrongType).toMatchObject({ __typename: "NotFoundError" });
    expect(await server.orm.em.fork().count(IdentityProvider, {})).toBe(before);

    const first = await createGoogle({ kind: "GITHUB" });
    const twice = await createGoogle({ kind: "GITHUB" });
    expect(twice).toMatchObject({ __typename: "ConflictError", field: "kind", code: "CONFLICT" });

    const oidc = await createGoogle({ kind: "OIDC", issuer: "https://login.example.com" });
    const cleared: any = await admin.request(UPDATE, { input: { id: oidc.identityProvider.id, issuer: null } });
    expect(cleared.updateIdentityProvider).toMatchObject({ __typename: "ValidationError", field: "issuer" });
    const short: any = await admin.request(UPDATE, { input: { id: first.identityProvider.id, clientSecret: "abc" } });
    expect(short.updateIdentityProvider).toMatchObject({ __typename: "ValidationError", field: "clientSecret" });
    const missing: any = await admin.request(UPDATE, {
      input: { id: globalId("IdentityProvider", crypto.randomUUID()), enabled: false },
    });
    expect(missing.updateIdentityProvider).toMatchObject({ __typename: "NotFoundError", resource: "IdentityProvider" });
    await admin.request(DELETE, { id: first.identityProvider.id });
    await admin.request(DELETE, { id: oidc.identityProvider.id });
  });

  it("keeps an Apple provider's .p8 key sealed with its team and key ids, and refuses keys and ids that do not fit", async () => {
    const p8 = await exportPKCS8((await generateKeyPair("ES256", { extractable: true })).privateKey);
    const p384 = await exportPKCS8((await generateKeyPair("ES384", { extractable: true })).privateKey);
    const apple = (input: Record<string, unknown>) => ({ kind: "APPLE", clientId: "com.example.web", ...input });
    const ids = { appleTeamId: "TEAM123456", appleKeyId: "KEY1234567" };
    const before = (await server.orm.em.fork().count(IdentityProvider, {})) as number;
    const cases: [Record<string, unknown>, string][] = [
      [apple({ clientSecret: p8 }), "clientSecret"], // a key without ids would be sent as a password
      [apple({ clientSecret: SECRET, ...ids }), "clientSecret"], // ids without a key
      [apple({ clientSecret: p384, ...ids }), "clientSecret"], // not a P-256 key
      [apple({ clientSecret: p8, appleTeamId: "TEAM123456" }), "appleKeyId"],
      [apple({ clientSecret: p8, appleKeyId: "KEY1234567" }), "appleTeamId"],
      [apple({ clientSecret: p8, ...ids, appleKeyId: "key-1" }), "appleKeyId"],
      [{ clientSecret: p8, ...ids }, "appleTeamId"], // Google
    ];
    for (const [input, field] of cases) {
      const result = await createGoogle(input);
      expect(result, JSON.stringify({ ...input, clientSecret: "…" })).toMatchObject({
        __typename: "ValidationError",
        field,
      });
      expect(JSON.stringify(result)).not.toContain("PRIVATE KEY");
    }
    // A key pasted as a secret: Apple's refusal says how to sign with it; any other kind's, that it wants its secret.
    expect((await createGoogle(apple({ clientSecret: p8 }))).message).toMatch(/give appleTeamId and appleKeyId/);
    const github = await createGoogle({ kind: "GITHUB", clientSecret: p8 });
    expect(github).toMatchObject({ __typename: "ValidationError", field: "clientSecret" });
    expect(github.message).toMatch(/would be sent to github as a password: give the client secret github issued/);
    expect(github.message).not.toMatch(/apple/i);
    expect(await server.orm.em.fork().count(IdentityProvider, {})).toBe(before);

    const created = await createGoogle(apple({ clientSecret: p8, ...ids }));
    expect(created.__typename).toBe("IdentityProviderPayload");
    const body = p8.replace(/-----[A-Z ]+-----|\s/g, "");
    expect(created.identityProvider).toMatchObject({ ...ids, clientSecretLast4: body.slice(-4) });
    const id = created.identityProvider.id;
    const rowId = Buffer.from(id, "base64").toString().split(":")[1]!;
    const row = await stored(rowId);
    expect(openString(keyring(), row.clientSecretEncrypted, `identity_provider:${rowId}`)).toBe(p8);

    // Leaving the key (or coming back to one) needs the secret of the new mode.
    const noSecret: any = await admin.request(UPDATE, { input: { id, appleTeamId: null, appleKeyId: null } });
    expect(noSecret.updateIdentityProvider).toMatchObject({ __typename: "ValidationError", field: "clientSecret" });
    const renamed: any = await admin.request(UPDATE, { input: { id, appleKeyId: "KEY7654321" } });
    expect(renamed.updateIdentityProvider.identityProvider).toMatchObject({ appleKeyId: "KEY7654321" });
    const pasted: any = await admin.request(UPDATE, {
      input: { id, appleTeamId: null, appleKeyId: null, clientSecret: SECRET },
    });
    expect(pasted.updateIdentityProvider.identityProvider).toMatchObject({
      appleTeamId: null,
      appleKeyId: null,
      clientSecretLast4: "1234",
    });
    const backToKey: any = await admin.request(UPDATE, { input: { id, ...ids } });
    expect(backToKey.updateIdentityProvider).toMatchObject({ __typename: "ValidationError", field: "clientSecret" });
    const changed = (await events("identity_provider.updated")).at(-1)!;
    expect(changed.payload).toMatchObject({ changed: expect.arrayContaining(["appleTeamId", "appleKeyId"]) });
    await admin.request(DELETE, { id });
  });

  it("lets every scope read providers only with apps:read (or apps:write), and change them only with apps:write", async () => {
    const created = await createGoogle({ kind: "DISCORD" });
    // The payloads' objects need apps:read as well; here only the outcome of each operation matters.
    const OUTCOME = `__typename ... on Error { code }`;
    for (const scope of API_KEY_SCOPES) {
      const client = controlPlane(server, await apiKeyFor(server, organizationId, [scope]));
      // A key that may change apps may also read them (x:write implies x:read).
      const canRead = scope === "apps:read" || scope === "apps:write" || scope === "admin";
      const canWrite = scope === "apps:write" || scope === "admin";
      const read = client.request(`query ($id: ID!) { node(id: $id) { ... on IdentityProvider { clientId } } }`, {
        id: created.identityProvider.id,
      });
      if (canRead) expect(((await read) as any).node.clientId, scope).toBe("google-client");
      else expect((await graphqlErrors(read))[0]?.extensions?.code, scope).toBe("FORBIDDEN");

      const create: any = await client.request(
        `mutation ($input: CreateIdentityProviderInput!) { createIdentityProvider(input: $input) { ${OUTCOME} } }`,
        {
          input: {
            applicationId: appGlobalId,
            kind: "OIDC",
            issuer: "https://id.example.com",
            clientId: "c",
            clientSecret: SECRET,
          },
        },
      );
      expect(create.createIdentityProvider.__typename, scope).toBe(
        canWrite ? "IdentityProviderPayload" : "ForbiddenError",
      );
      const update: any = await client.request(
        `mutation ($input: UpdateIdentityProviderInput!) { updateIdentityProvider(input: $input) { ${OUTCOME} } }`,
        { input: { id: created.identityProvider.id, enabled: true } },
      );
      expect(update.updateIdentityProvider.__typename, scope).toBe(
        canWrite ? "IdentityProviderPayload" : "ForbiddenError",
      );
      const remove: any = await client.request(DELETE, { id: globalId("IdentityProvider", crypto.randomUUID()) });
      expect(remove.deleteIdentityProvider.__typename, scope).toBe(canWrite ? "NotFoundError" : "ForbiddenError");
    }
    const left: any = await admin.request(LIST, { id: appGlobalId });
    for (const provider of left.node.identityProviders) await admin.request(DELETE, { id: provider.id });
  });

  it("never shows or changes another organization's providers", async () => {
    const created = await createGoogle({ kind: "APPLE" });
    const { organizationId: otherOrg } = await createUser(server.orm);
    const other = controlPlane(server, await apiKeyFor(server, otherOrg));
    const otherApp = await createApp(server.orm, otherOrg);

    const list: any = await other.request(`{ applications { edges { node { identityProviders { id } } } } }`);
    expect(list.applications.edges.flatMap((e: any) => e.node.identityProviders)).toEqual([]);
    const node = await graphqlErrors(
      other.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: created.identityProvider.id }),
    );
    expect(node[0]?.message).toBe("IdentityProvider not found");
    const update: any = await other.request(UPDATE, { input: { id: created.identityProvider.id, enabled: false } });
    expect(update.updateIdentityProvider).toMatchObject({ __typename: "NotFoundError", resource: "IdentityProvider" });
    const remove: any = await other.request(DELETE, { id: created.identityProvider.id });
    expect(remove.deleteIdentityProvider.__typename).toBe("NotFoundError");
    const intoOurs = await createGoogle({ kind: "GITHUB" }, other);
    expect(intoOurs).toMatchObject({ __typename: "NotFoundError", resource: "Application" });
    // And we cannot add one to theirs.
    const intoTheirs = await createGoogle({ applicationId: globalId("Application", otherApp.id) });
    expect(intoTheirs).toMatchObject({ __typename: "NotFoundError", resource: "Application" });
    expect((await stored(Buffer.from(created.identityProvider.id, "base64").toString().split(":")[1]!)).enabled).toBe(
      true,
    );
  });
});
