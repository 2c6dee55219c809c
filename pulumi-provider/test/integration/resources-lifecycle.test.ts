import { exportPKCS8, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type ClientSecretOutputs, createClientSecretProvider } from "../../src/provider/client-secret.ts";
import { createIdentityProviderProvider, type IdentityProviderOutputs } from "../../src/provider/identity-provider.ts";
import { createOAuthAppProvider } from "../../src/provider/oauth-app.ts";
import { createScopeProvider, type ScopeOutputs } from "../../src/provider/scope.ts";
import { createWebhookProvider, type WebhookOutputs } from "../../src/provider/webhook.ts";
import { type LatchFixture, secretWorks, startLatchFixture } from "../support/latch.ts";

let latch: LatchFixture;
const apps = createOAuthAppProvider();
const scopes = createScopeProvider();
const secrets = createClientSecretProvider();
const idps = createIdentityProviderProvider();
const webhooks = createWebhookProvider();
let app: { id: string; clientId: string };

beforeAll(async () => {
  latch = await startLatchFixture();
  for (const provider of [apps, scopes, secrets, idps, webhooks]) await provider.configure({ config: latch.config });
  const created = await apps.create(
    (
      await apps.check(
        {},
        { name: "Parent", grantTypes: ["client_credentials"], redirectUris: ["https://p.example.com/cb"] },
      )
    ).inputs,
  );
  app = { id: created.id, clientId: created.outs.clientId };
});
afterAll(async () => {
  await latch?.stop();
});

describe("Scope", () => {
  test("check, create, diff, update in place, replace on name, drift, idempotent delete", async () => {
    const bad = await scopes.check({}, { name: "Billing Read", description: "" });
    expect(bad.failures.map((f) => f.property)).toEqual(["name", "description"]);
    const { inputs } = await scopes.check({}, { name: "billing:read", description: " Read your invoices " });
    const { id, outs } = await scopes.create(inputs);
    expect(outs).toEqual({ name: "billing:read", description: "Read your invoices", adopt: false });
    // An app can now allow it.
    const withScope = await apps.check({}, { name: "Uses scope", scopes: ["billing:read"] });
    expect((await apps.create(withScope.inputs)).outs.scopes).toEqual(["billing:read"]);

    const described = (await scopes.check(outs, { name: "billing:read", description: "Invoices" })).inputs;
    expect(await scopes.diff(id, outs, described)).toMatchObject({
      changes: true,
      replaces: [],
      diffs: ["description"],
    });
    const renamed = (await scopes.check(outs, { name: "billing:write", description: "Invoices" })).inputs;
    expect((await scopes.diff(id, outs, renamed)).replaces).toEqual(["name"]);
    const updated = await scopes.update(id, outs, described);
    expect(updated.outs.description).toBe("Invoices");

    await latch.admin.request('mutation ($id: ID!) { updateScope(id: $id, description: "By hand") { __typename } }', {
      id,
    });
    const read = await scopes.read(id, updated.outs);
    expect(read.props).toEqual({ name: "billing:read", description: "By hand", adopt: false });

    const unused = await scopes.create((await scopes.check({}, { name: "temp:x", description: "Temp" })).inputs);
    await scopes.delete(unused.id, unused.outs as ScopeOutputs);
    await scopes.delete(unused.id, unused.outs as ScopeOutputs);
    expect(await scopes.read(unused.id, unused.outs)).toEqual({ id: "" });
  });
});

describe("ClientSecret", () => {
  test("create, read, rotation in place with an overlap, re-mint on name, replace on app, revoked by hand reads as gone", async () => {
    const { inputs } = await secrets.check({}, { app: app.id, name: " Partner ", expiresAt: "2099-01-01T00:00:00Z" });
    expect(inputs).toMatchObject({ name: "Partner", expiresAt: "2099-01-01T00:00:00.000Z", rotationOverlap: 86_400 });
    const { id, outs } = await secrets.create(inputs);
    expect(outs).toMatchObject({
      app: app.id,
      name: "Partner",
      status: "ACTIVE",
      expiresAt: "2099-01-01T00:00:00.000Z",
      rotationOverlap: 86_400,
    });
    expect(outs.secret).toMatch(/^latch_cs_/);
    expect(await secretWorks(latch.server, app.clientId, outs.secret)).toBe(true);

    const read = await secrets.read(id, outs);
    expect(read.props).toEqual(outs);
    expect(await secrets.diff(id, outs, inputs)).toMatchObject({ changes: false });
    // State from before rotationOverlap existed had the default in effect: no diff.
    const { rotationOverlap: _overlap, ...older } = outs;
    expect(await secrets.diff(id, older, inputs)).toMatchObject({ changes: false });

    // Rotation mints a new secret in place; the previous one keeps working for the overlap, then expires.
    const rotation = (
      await secrets.check(outs, { app: app.id, name: "Partner", expiresAt: "2099-01-01T00:00:00Z", rotation: "1" })
    ).inputs;
    expect(await secrets.diff(id, outs, rotation)).toMatchObject({ changes: true, replaces: [], diffs: ["rotation"] });
    const before = Date.now();
    const rotated = await secrets.update(id, outs as ClientSecretOutputs, rotation);
    expect(rotated.outs.secret).not.toBe(outs.secret);
    expect(rotated.outs.secretId).not.toBe(id);
    expect(await secretWorks(latch.server, app.clientId, rotated.outs.secret)).toBe(true);
    expect(await secretWorks(latch.server, app.clientId, outs.secret)).toBe(true);
    const previous = await latch.admin.request<{
      node: { status: string; expiresAt: string; revokedAt: string | null };
    }>("query ($id: ID!) { node(id: $id) { ... on ClientSecret { status expiresAt revokedAt } } }", { id });
    expect(previous.node).toMatchObject({ status: "ACTIVE", revokedAt: null });
    expect(Date.parse(previous.node.expiresAt)).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
    expect(Date.parse(previous.node.expiresAt)).toBeLessThanOrEqual(Date.now() + 86_400_000 + 1000);
    expect((await secrets.read(id, rotated.outs)).props).toEqual(rotated.outs);

    // Only the overlap changing mints nothing.
    const shorter = (
      await secrets.check(rotated.outs, { ...rotation, rotationOverlap: "0s", expiresAt: "2099-01-01T00:00:00Z" })
    ).inputs;
    expect(await secrets.diff(id, rotated.outs, shorter)).toMatchObject({ replaces: [], diffs: ["rotationOverlap"] });
    const overlapOnly = await secrets.update(id, rotated.outs as ClientSecretOutputs, shorter);
    expect(overlapOnly.outs).toEqual({ ...rotated.outs, rotationOverlap: 0 });

    // A new name (or expiry) mints a new secret in place too: with no overlap, the previous one stops at once.
    const renamed = (await secrets.check(outs, { app: app.id, name: "Other", rotation: "1", rotationOverlap: 0 }))
      .inputs;
    expect(await secrets.diff(id, overlapOnly.outs, renamed)).toMatchObject({
      replaces: [],
      diffs: ["name", "expiresAt"],
    });
    const reminted = await secrets.update(id, overlapOnly.outs as ClientSecretOutputs, renamed);
    expect(reminted.outs).toMatchObject({ name: "Other", expiresAt: null, status: "ACTIVE" });
    expect(await secretWorks(latch.server, app.clientId, reminted.outs.secret)).toBe(true);
    expect(await secretWorks(latch.server, app.clientId, rotated.outs.secret)).toBe(false);
    expect((await secrets.diff(id, reminted.outs, { ...renamed, app: "another" })).replaces).toEqual(["app"]);

    await latch.admin.request("mutation ($id: ID!) { revokeClientSecret(id: $id) { __typename } }", {
      id: reminted.outs.secretId,
    });
    expect(await secrets.read(id, reminted.outs)).toEqual({ id: "" });
    await secrets.delete(id, reminted.outs);
  });

  test("delete revokes the secret at once, whatever the overlap; a bad overlap fails check", async () => {
    const { inputs } = await secrets.check({}, { app: app.id, name: "Leaving", rotationOverlap: "7d" });
    expect(inputs.rotationOverlap).toBe(7 * 86_400);
    const { id, outs } = await secrets.create(inputs);
    expect(await secretWorks(latch.server, app.clientId, outs.secret)).toBe(true);
    await secrets.delete(id, outs);
    expect(await secretWorks(latch.server, app.clientId, outs.secret)).toBe(false);
    await secrets.delete(id, outs);

    for (const rotationOverlap of ["soon", "31d", -1]) {
      const { failures } = await secrets.check({}, { app: app.id, name: "Bad", rotationOverlap });
      expect(
        failures.map((failure) => failure.property),
        String(rotationOverlap),
      ).toEqual(["rotationOverlap"]);
    }
  });

  test("a public app's secret fails naming the resource and property", async () => {
    const pub = await apps.create((await apps.check({}, { name: "Public parent", type: "public" })).inputs);
    const { inputs } = await secrets.check({}, { app: pub.id, name: "Nope" });
    await expect(secrets.create(inputs)).rejects.toThrow(
      'ClientSecret "Nope": app: public applications have no client secrets [VALIDATION_FAILED]',
    );
  });
});

describe("IdentityProvider", () => {
  test("check, create with defaults, update in place, secret drift, replace on kind, delete", async () => {
    const bad = await idps.check({}, { app: app.id, kind: "oidc", clientId: "", clientSecret: "short" });
    expect(bad.failures.map((f) => f.property).sort()).toEqual(["clientId", "clientSecret", "issuer"]);
    const { inputs } = await idps.check(
      {},
      { app: app.id, kind: "github", clientId: "gh-client", clientSecret: "gh-secret-1234" },
    );
    expect(inputs.scopes).toEqual(["read:user", "user:email"]);
    const { id, outs } = await idps.create(inputs);
    expect(outs).toMatchObject({
      kind: "github",
      clientId: "gh-client",
      clientSecret: "gh-secret-1234",
      clientSecretLast4: "1234",
      enabled: true,
    });
    expect(await idps.diff(id, outs, inputs)).toMatchObject({ changes: false });

    const news = (
      await idps.check(outs, {
        app: app.id,
        kind: "github",
        clientId: "gh-client",
        clientSecret: "gh-secret-5678",
        displayName: "GitHub SSO",
        enabled: false,
      })
    ).inputs;
    expect((await idps.diff(id, outs, news)).diffs.sort()).toEqual(["clientSecret", "displayName", "enabled"]);
    const updated = await idps.update(id, outs as IdentityProviderOutputs, news);
    expect(updated.outs).toMatchObject({ clientSecretLast4: "5678", displayName: "GitHub SSO", enabled: false });

    await latch.admin.request(
      'mutation ($id: ID!) { updateIdentityProvider(input: { id: $id, clientSecret: "changed-by-hand" }) { __typename } }',
      { id },
    );
    const read = await idps.read(id, updated.outs);
    expect(read.props).toMatchObject({ clientSecret: null, clientSecretLast4: "hand" });
    expect((await idps.diff(id, read.props as IdentityProviderOutputs, news)).diffs).toEqual(["clientSecret"]);

    const google = (await idps.check(outs, { ...news, kind: "google" })).inputs;
    expect((await idps.diff(id, updated.outs, google)).replaces).toEqual(["kind"]);

    await idps.delete(id, updated.outs);
    await idps.delete(id, updated.outs);
    expect(await idps.read(id, updated.outs)).toEqual({ id: "" });
  });
});

describe("IdentityProvider for Sign in with Apple from a .p8 key", () => {
  test("creates it with the key and its ids, reads the key back as unchanged, and diffs clean", async () => {
    const p8 = await exportPKCS8((await generateKeyPair("ES256", { extractable: true })).privateKey);
    const { inputs } = await idps.check(
      {},
      {
        app: app.id,
        kind: "apple",
        clientId: "com.example.web",
        clientSecret: p8,
        appleTeamId: " TEAM123456 ",
        appleKeyId: "KEY1234567",
      },
    );
    const { id, outs } = await idps.create(inputs);
    expect(outs).toMatchObject({ appleTeamId: "TEAM123456", appleKeyId: "KEY1234567", clientSecret: p8 });
    const read = await idps.read(id, outs);
    expect(read.props).toMatchObject({ clientSecret: p8, appleKeyId: "KEY1234567" });
    expect(await idps.diff(id, read.props as IdentityProviderOutputs, inputs)).toMatchObject({ changes: false });
    const renamed = (await idps.check(outs, { ...inputs, appleKeyId: "KEY7654321" })).inputs;
    expect((await idps.diff(id, outs, renamed)).diffs).toEqual(["appleKeyId"]);
    expect((await idps.update(id, outs as IdentityProviderOutputs, renamed)).outs).toMatchObject({
      appleKeyId: "KEY7654321",
      clientSecret: p8,
    });
    await idps.delete(id, outs);
  });
});

describe("Webhook", () => {
  test("create with its signing secret, update, rotate in place, drift, delete", async () => {
    const bad = await webhooks.check({}, { url: "http://example.com/hook", events: ["nope.event"] });
    expect(bad.failures.map((f) => f.property)).toEqual(["url", "events"]);
    const { inputs } = await webhooks.check(
      {},
      { url: "http://127.0.0.1:9/hook", events: ["grant.created"], app: app.id },
    );
    const { id, outs } = await webhooks.create(inputs);
    expect(outs).toMatchObject({
      url: "http://127.0.0.1:9/hook",
      events: ["grant.created"],
      app: app.id,
      active: true,
    });
    expect(outs.secret).toMatch(/^whsec_/);
    expect(await webhooks.diff(id, outs, inputs)).toMatchObject({ changes: false });

    const news = (
      await webhooks.check(outs, { url: "http://127.0.0.1:9/hook2", events: ["*"], app: app.id, rotation: "a" })
    ).inputs;
    expect((await webhooks.diff(id, outs, news)).diffs).toEqual(["url", "events", "rotation"]);
    const updated = await webhooks.update(id, outs as WebhookOutputs, news);
    expect(updated.outs).toMatchObject({ url: "http://127.0.0.1:9/hook2", events: ["*"], rotation: "a" });
    expect(updated.outs.secret).toMatch(/^whsec_/);
    expect(updated.outs.secret).not.toBe(outs.secret);
    expect(updated.outs.previousSecretExpiresAt).not.toBeNull();

    const orgWide = (await webhooks.check(outs, { url: "http://127.0.0.1:9/hook2", events: ["*"] })).inputs;
    expect((await webhooks.diff(id, updated.outs, orgWide)).replaces).toEqual(["app"]);

    await latch.admin.request(
      "mutation ($id: ID!) { updateWebhook(input: { id: $id, active: false }) { __typename } }",
      {
        id,
      },
    );
    const read = await webhooks.read(id, updated.outs);
    expect(read.props).toMatchObject({ active: false, secret: updated.outs.secret });

    await webhooks.delete(id, updated.outs);
    await webhooks.delete(id, updated.outs);
    expect(await webhooks.read(id, updated.outs)).toEqual({ id: "" });
  });
});
