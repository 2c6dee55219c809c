import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openString } from "../../../server/crypto/envelope.ts";
import { parseMasterKeys } from "../../../server/crypto/master-key.ts";
import { isWellFormedWebhookSecret } from "../../../server/crypto/prefixed-secret.ts";
import { Event, Webhook } from "../../../server/db/entities/index.ts";
import { API_KEY_SCOPES } from "../../../server/services/api-key-scopes.ts";
import { WEBHOOK_EVENT_TYPES } from "../../../server/services/webhooks/event-types.ts";
import { apiKeyFor, controlPlane, globalId, graphqlErrors } from "../../support/control-plane.ts";
import { createApp, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;
let app: TestApp;

const FIELDS = `id url description events active disabledAt previousSecretExpiresAt createdAt updatedAt application { id name }`;
const ERRORS = `... on Error { message code } ... on ValidationError { field } ... on NotFoundError { resource }`;
const CREATE = `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) {
  __typename ... on CreateWebhookPayload { secret webhook { ${FIELDS} } } ${ERRORS} } }`;
const UPDATE = `mutation ($input: UpdateWebhookInput!) { updateWebhook(input: $input) {
  __typename ... on WebhookPayload { webhook { ${FIELDS} } } ${ERRORS} } }`;
const ROTATE = `mutation ($id: ID!) { rotateWebhookSecret(id: $id) {
  __typename ... on RotateWebhookSecretPayload { secret previousSecretExpiresAt webhook { id previousSecretExpiresAt } } ${ERRORS} } }`;
const DELETE = `mutation ($id: ID!) { deleteWebhook(id: $id) {
  __typename ... on DeleteWebhookPayload { deletedWebhookId } ${ERRORS} } }`;
const LIST = `query ($app: ID) { webhooks(first: 50, applicationId: $app) { totalCount edges { node { ${FIELDS} } } } }`;

const rowIdOf = (id: string) => Buffer.from(id, "base64").toString().split(":")[1]!;
const keyring = () => parseMasterKeys(server.env.LATCH_MASTER_KEY!);
const stored = (id: string) => server.orm.em.fork().findOneOrFail(Webhook, { id: rowIdOf(id) });
const eventsOf = (subjectId: string) =>
  server.orm.em.fork().find(Event, { organizationId, subjectId }, { orderBy: { createdAt: "asc", id: "asc" } });

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
  app = await createApp(server.orm, organizationId);
});
afterAll(() => server?.stop());

async function create(input: Record<string, unknown>, client = admin) {
  const result: any = await client.request(CREATE, {
    input: { url: "https://hooks.example.com/latch", events: ["grant.created"], ...input },
  });
  return result.createWebhook;
}

describe("webhooks", () => {
  it("creates an organization-wide webhook with a whsec_ secret shown once and stored sealed", async () => {
    const created = await create({ description: "audit sink", events: ["grant.created", "grant.revoked"] });
    expect(created.__typename).toBe("CreateWebhookPayload");
    expect(created.secret).toMatch(/^whsec_/);
    expect(isWellFormedWebhookSecret(created.secret)).toBe(true);
    expect(created.webhook).toMatchObject({
      url: "https://hooks.example.com/latch",
      description: "audit sink",
      events: ["grant.created", "grant.revoked"],
      active: true,
      application: null,
      previousSecretExpiresAt: null,
    });

    const row = await stored(created.webhook.id);
    expect(row.secretEncrypted).not.toContain(created.secret.slice(6));
    expect(openString(keyring(), row.secretEncrypted, `webhook:${row.id}`)).toBe(created.secret);

    const list: any = await admin.request(LIST);
    expect(list.webhooks.totalCount).toBe(1);
    expect(list.webhooks.edges[0].node.id).toBe(created.webhook.id);
    const node: any = await admin.request(`query ($id: ID!) { node(id: $id) { ... on Webhook { ${FIELDS} } } }`, {
      id: created.webhook.id,
    });
    for (const body of [list, node]) expect(JSON.stringify(body)).not.toContain(created.secret.slice(6));

    const [event] = await eventsOf(row.id);
    expect(event).toMatchObject({ type: "webhook.created", subjectType: "webhook", applicationId: null });
    expect(event!.payload).toMatchObject({
      origin: "https://hooks.example.com",
      events: ["grant.created", "grant.revoked"],
    });
    expect(JSON.stringify(event!.payload)).not.toContain(created.secret.slice(6));
    await admin.request(DELETE, { id: created.webhook.id });
  });

  it("scopes a webhook to an app, filters by app, updates, rotates and deletes it, each with its Event", async () => {
    const appId = globalId("Application", app.id);
    const orgWide = await create({});
    const created = await create({ applicationId: appId, events: ["*"] });
    expect(created.webhook.application).toEqual({ id: appId, name: expect.any(String) });
    const filtered: any = await admin.request(LIST, { app: appId });
    expect(filtered.webhooks.totalCount).toBe(1);
    expect(filtered.webhooks.edges.map((e: any) => e.node.id)).toEqual([created.webhook.id]);
    const all: any = await admin.request(LIST);
    expect(all.webhooks.totalCount).toBe(2);

    const updated: any = await admin.request(UPDATE, {
      input: {
        id: created.webhook.id,
        url: "https://hooks.example.com/v2",
        events: ["application.updated", "application.updated", "user.signed_in"],
        description: "v2",
        active: false,
      },
    });
    expect(updated.updateWebhook.webhook).toMatchObject({
      url: "https://hooks.example.com/v2",
      events: ["application.updated", "user.signed_in"],
      description: "v2",
      active: false,
    });
    const cleared: any = await admin.request(UPDATE, { input: { id: created.webhook.id, description: null } });
    expect(cleared.updateWebhook.webhook.description).toBeNull();

    const before = await stored(created.webhook.id);
    const rotated: any = await admin.request(ROTATE, { id: created.webhook.id });
    const payload = rotated.rotateWebhookSecret;
    expect(payload.secret).toMatch(/^whsec_/);
    expect(payload.secret).not.toBe(created.secret);
    const overlap = new Date(payload.previousSecretExpiresAt).getTime() - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);
    expect(payload.webhook.previousSecretExpiresAt).toBe(payload.previousSecretExpiresAt);
    const after = await stored(created.webhook.id);
    const aad = `webhook:${after.id}`;
    expect(openString(keyring(), after.secretEncrypted, aad)).toBe(payload.secret);
    expect(after.previousSecretEncrypted).toBe(before.secretEncrypted);
    expect(openString(keyring(), after.previousSecretEncrypted!, aad)).toBe(created.secret);

    const deleted: any = await admin.request(DELETE, { id: created.webhook.id });
    expect(deleted.deleteWebhook.deletedWebhookId).toBe(created.webhook.id);
    const left: any = await admin.request(LIST);
    expect(left.webhooks.edges.map((e: any) => e.node.id)).toEqual([orgWide.webhook.id]);

    const events = await eventsOf(after.id);
    expect(events.map((e) => e.type)).toEqual([
      "webhook.created",
      "webhook.updated",
      "webhook.updated",
      "webhook.secret_rotated",
      "webhook.deleted",
    ]);
    for (const event of events) {
      expect(event.applicationId).toBe(app.id);
      const json = JSON.stringify(event.payload);
      for (const secret of [created.secret, payload.secret]) expect(json).not.toContain(secret.slice(6));
    }
    await admin.request(DELETE, { id: orgWide.webhook.id });
  });

  it("accepts every listed event type and * alone, and http only on loopback outside production", async () => {
    const everything = await create({ events: [...WEBHOOK_EVENT_TYPES] });
    expect(everything.webhook.events).toEqual([...WEBHOOK_EVENT_TYPES]);
    const star = await create({ events: ["grant.created", "*"] });
    expect(star.webhook.events).toEqual(["*"]);
    const types: any = await admin.request(`{ webhookEventTypes }`);
    expect(types.webhookEventTypes).toEqual([...WEBHOOK_EVENT_TYPES]);
    const local = await create({ url: "http://localhost:8787/hooks" });
    expect(local.webhook.url).toBe("http://localhost:8787/hooks");
    for (const created of [everything, star, local]) await admin.request(DELETE, { id: created.webhook.id });
  });

  it("returns typed errors naming the field and stores nothing", async () => {
    const count = () => server.orm.em.fork().count(Webhook, { organization: organizationId });
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ url: "http://hooks.example.com/latch" }, "url"],
      [{ url: "not a url" }, "url"],
      [{ url: "https://user:pass@hooks.example.com/" }, "url"],
      [{ url: "https://hooks.example.com/#frag" }, "url"],
      [{ url: "ftp://hooks.example.com/" }, "url"],
      [{ events: [] }, "events"],
      [{ events: ["grant.created", "grant.exploded"] }, "events"],
      [{ events: ["api_key.created"] }, "events"],
      [{ description: "x".repeat(501) }, "description"],
    ];
    for (const [input, field] of cases) {
      const result = await create(input);
      expect(result, JSON.stringify(input)).toMatchObject({
        __typename: "ValidationError",
        field,
        code: "VALIDATION_FAILED",
      });
    }
    const missingApp = await create({ applicationId: globalId("Application", crypto.randomUUID()) });
    expect(missingApp).toMatchObject({ __typename: "NotFoundError", resource: "Application" });
    expect(await count()).toBe(before);

    const created = await create({});
    const badUpdate: any = await admin.request(UPDATE, {
      input: { id: created.webhook.id, url: "http://example.com" },
    });
    expect(badUpdate.updateWebhook).toMatchObject({ __typename: "ValidationError", field: "url" });
    const unknown = globalId("Webhook", crypto.randomUUID());
    const update: any = await admin.request(UPDATE, { input: { id: unknown, active: false } });
    expect(update.updateWebhook).toMatchObject({ __typename: "NotFoundError", resource: "Webhook" });
    const rotate: any = await admin.request(ROTATE, { id: unknown });
    expect(rotate.rotateWebhookSecret).toMatchObject({ __typename: "NotFoundError", resource: "Webhook" });
    const remove: any = await admin.request(DELETE, { id: globalId("ApiKey", rowIdOf(created.webhook.id)) });
    expect(remove.deleteWebhook).toMatchObject({ __typename: "NotFoundError" });
    await admin.request(DELETE, { id: created.webhook.id });
  });

  it("lets webhooks:write and admin keys manage webhooks, and refuses every other scope", async () => {
    const OUTCOME = `__typename ... on Error { code }`;
    for (const scope of API_KEY_SCOPES) {
      const allowed = scope === "webhooks:write" || scope === "admin";
      const client = controlPlane(server, await apiKeyFor(server, organizationId, [scope]));
      const list = client.request(`{ webhooks { totalCount } }`);
      if (allowed) expect(((await list) as any).webhooks.totalCount, scope).toBeGreaterThanOrEqual(0);
      else expect((await graphqlErrors(list))[0]?.extensions?.code, scope).toBe("FORBIDDEN");

      const created: any = await client.request(
        `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { ${OUTCOME} ... on CreateWebhookPayload { secret webhook { id } } } }`,
        { input: { url: "https://hooks.example.com/scoped", events: ["*"] } },
      );
      expect(created.createWebhook.__typename, scope).toBe(allowed ? "CreateWebhookPayload" : "ForbiddenError");
      if (!allowed) continue;
      const id = created.createWebhook.webhook.id;
      const updated: any = await client.request(
        `mutation ($input: UpdateWebhookInput!) { updateWebhook(input: $input) { ${OUTCOME} } }`,
        { input: { id, active: false } },
      );
      expect(updated.updateWebhook.__typename, scope).toBe("WebhookPayload");
      const rotated: any = await client.request(`mutation ($id: ID!) { rotateWebhookSecret(id: $id) { ${OUTCOME} } }`, {
        id,
      });
      expect(rotated.rotateWebhookSecret.__typename, scope).toBe("RotateWebhookSecretPayload");
      const deleted: any = await client.request(`mutation ($id: ID!) { deleteWebhook(id: $id) { ${OUTCOME} } }`, {
        id,
      });
      expect(deleted.deleteWebhook.__typename, scope).toBe("DeleteWebhookPayload");
    }

    const existing = await create({});
    for (const scope of API_KEY_SCOPES.filter((s) => s !== "webhooks:write" && s !== "admin")) {
      const client = controlPlane(server, await apiKeyFor(server, organizationId, [scope]));
      for (const [mutation, variables] of [
        [`mutation ($id: ID!) { rotateWebhookSecret(id: $id) { __typename } }`, { id: existing.webhook.id }],
        [`mutation ($id: ID!) { deleteWebhook(id: $id) { __typename } }`, { id: existing.webhook.id }],
        [
          `mutation ($input: UpdateWebhookInput!) { updateWebhook(input: $input) { __typename } }`,
          { input: { id: existing.webhook.id, active: false } },
        ],
      ] as [string, Record<string, unknown>][]) {
        const result: any = await client.request(mutation, variables);
        expect(Object.values(result)[0], `${scope} ${mutation}`).toEqual({ __typename: "ForbiddenError" });
      }
    }
    expect((await stored(existing.webhook.id)).active).toBe(true);
    await admin.request(DELETE, { id: existing.webhook.id });
  });

  it("never shows or changes another organization's webhooks", async () => {
    const created = await create({ applicationId: globalId("Application", app.id) });
    const { organizationId: otherOrg } = await createUser(server.orm);
    const other = controlPlane(server, await apiKeyFor(server, otherOrg));

    const list: any = await other.request(LIST);
    expect(list.webhooks).toEqual({ totalCount: 0, edges: [] });
    const filtered: any = await other.request(LIST, { app: globalId("Application", app.id) });
    expect(filtered.webhooks).toEqual({ totalCount: 0, edges: [] });
    const node = await graphqlErrors(
      other.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: created.webhook.id }),
    );
    expect(node[0]?.message).toBe("Webhook not found");
    const update: any = await other.request(UPDATE, {
      input: { id: created.webhook.id, url: "https://evil.example/" },
    });
    expect(update.updateWebhook).toMatchObject({ __typename: "NotFoundError", resource: "Webhook" });
    const rotate: any = await other.request(ROTATE, { id: created.webhook.id });
    expect(rotate.rotateWebhookSecret).toMatchObject({ __typename: "NotFoundError", resource: "Webhook" });
    const remove: any = await other.request(DELETE, { id: created.webhook.id });
    expect(remove.deleteWebhook).toMatchObject({ __typename: "NotFoundError", resource: "Webhook" });
    const onOurApp = await create({ applicationId: globalId("Application", app.id) }, other);
    expect(onOurApp).toMatchObject({ __typename: "NotFoundError", resource: "Application" });
    const row = await stored(created.webhook.id);
    expect(row.url).toBe("https://hooks.example.com/latch");
    expect(row.previousSecretEncrypted).toBeNull();
  });
});
