import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type LatchFixture, secretWorks, startLatchFixture } from "../support/latch.ts";
import {
  fromStruct,
  type ProviderHost,
  proto,
  resourceRpcs,
  secretValue,
  serializedProviders,
  startProviderHost,
  toStruct,
  UNKNOWN,
  type Untyped,
} from "../support/provider-host.ts";

const URN = "urn:pulumi:dev::latch-test::pulumi-nodejs:dynamic/latch:OAuthApp::web";

let latch: LatchFixture;
let host: ProviderHost;
let providerText: string;
let texts: Record<string, string>;

beforeAll(async () => {
  [latch, host, texts] = await Promise.all([startLatchFixture(), startProviderHost(), serializedProviders()]);
  providerText = texts.OAuthApp!;
  const configure = new proto.ConfigureRequest();
  // The engine sends the stack config; the API key as a secret, which the host unwraps.
  configure.setArgs(toStruct({ "latch:endpoint": latch.server.url, "latch:apiKey": secretValue(latch.apiKey) }));
  configure.setAcceptsecrets(true);
  await host.call("configure", configure);
}, 120_000);
afterAll(async () => {
  await host?.stop();
  await latch?.stop();
});

async function check(olds: Record<string, unknown>, news: Record<string, unknown>) {
  const request = new proto.CheckRequest();
  request.setUrn(URN);
  request.setOlds(toStruct(olds));
  request.setNews(toStruct({ ...news, __provider: providerText }));
  const response = await host.call("check", request);
  return {
    inputs: fromStruct(response.getInputs()),
    failures: response.getFailuresList().map((f: Untyped) => ({ property: f.getProperty(), reason: f.getReason() })),
  };
}

async function diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const request = new proto.DiffRequest();
  request.setId(id);
  request.setUrn(URN);
  request.setOlds(toStruct(olds));
  request.setNews(toStruct(news));
  const response = await host.call("diff", request);
  return { changes: response.getChanges(), replaces: response.getReplacesList() as string[] };
}

describe("OAuthApp through the real dynamic-provider host over gRPC", () => {
  test("check reports failures by property; unknown preview values pass", async () => {
    const bad = await check({}, { name: "", redirectUris: ["http://example.com/cb"], primaryColor: "blue" });
    expect(bad.failures.map((f: { property: string }) => f.property).sort()).toEqual([
      "name",
      "primaryColor",
      "redirectUris",
    ]);
    const preview = await check({}, { name: "Preview", redirectUris: [UNKNOWN] });
    expect(preview.failures).toEqual([]);
    expect(preview.inputs.redirectUris).toEqual([UNKNOWN]);
    expect(preview.inputs.__provider).toBe(providerText);
  });

  test("create, read, diff, update with rotation, delete (twice)", async () => {
    const { inputs } = await check(
      {},
      { name: "Over gRPC", grantTypes: ["client_credentials"], redirectUris: ["https://grpc.example.com/cb"] },
    );

    const create = new proto.CreateRequest();
    create.setUrn(URN);
    create.setProperties(toStruct(inputs));
    const created = await host.call("create", create);
    const id: string = created.getId();
    const outs = fromStruct(created.getProperties());
    expect(outs.__provider).toBe(providerText);
    expect(outs.clientSecret).toMatch(/^latch_cs_/);
    expect(await secretWorks(latch.server, outs.clientId, outs.clientSecret)).toBe(true);

    const read = new proto.ReadRequest();
    read.setId(id);
    read.setUrn(URN);
    read.setProperties(toStruct(outs));
    const readResponse = await host.call("read", read);
    expect(readResponse.getId()).toBe(id);
    expect(fromStruct(readResponse.getProperties())).toEqual(outs);
    expect(fromStruct(readResponse.getInputs())).not.toHaveProperty("clientSecret");

    expect(await diff(id, outs, inputs)).toEqual({ changes: proto.DiffResponse.DiffChanges.DIFF_NONE, replaces: [] });
    const { inputs: rotatedInputs } = await check(outs, {
      name: "Over gRPC",
      grantTypes: ["client_credentials"],
      redirectUris: ["https://grpc.example.com/cb"],
      rotation: "r1",
    });
    expect(await diff(id, outs, rotatedInputs)).toEqual({
      changes: proto.DiffResponse.DiffChanges.DIFF_SOME,
      replaces: [],
    });
    // A new type replaces the app, the old one deleted first (the name is unique), and the client id changes.
    const { inputs: publicInputs } = await check(outs, { name: "Over gRPC", type: "public" });
    expect(await rpcs("OAuthApp").diff(id, outs, publicInputs)).toEqual({
      changes: proto.DiffResponse.DiffChanges.DIFF_SOME,
      replaces: ["type", "clientId"],
      deleteBeforeReplace: true,
    });
    const { inputs: renamed } = await check(outs, { name: "Over gRPC, renamed" });
    expect((await rpcs("OAuthApp").diff(id, outs, renamed)).deleteBeforeReplace).toBe(false);

    const update = new proto.UpdateRequest();
    update.setId(id);
    update.setUrn(URN);
    update.setOlds(toStruct(outs));
    update.setNews(toStruct(rotatedInputs));
    const updated = fromStruct((await host.call("update", update)).getProperties());
    expect(updated.clientSecret).not.toBe(outs.clientSecret);
    expect(await secretWorks(latch.server, outs.clientId, updated.clientSecret)).toBe(true);
    expect(await secretWorks(latch.server, outs.clientId, outs.clientSecret)).toBe(true);

    const remove = new proto.DeleteRequest();
    remove.setId(id);
    remove.setUrn(URN);
    remove.setProperties(toStruct(updated));
    await host.call("delete", remove);
    await host.call("delete", remove);
    const gone = await host.call("read", read);
    expect(gone.getId()).toBe("");
  });

  test("a provider error reaches the engine as gRPC code 2 naming the resource, property and message", async () => {
    const { inputs } = await check({}, { name: "Bad scope", scopes: ["not:defined"] });
    const create = new proto.CreateRequest();
    create.setUrn(URN);
    create.setProperties(toStruct(inputs));
    await expect(host.call("create", create)).rejects.toMatchObject({
      code: 2,
      details: 'OAuthApp "Bad scope": scopes: unknown scope "not:defined" [VALIDATION_FAILED]',
    });
  });

  test("every resource's natively serialized provider loads in the host; a Scope lives and dies through it", async () => {
    expect(Object.keys(texts).sort()).toEqual(["ClientSecret", "IdentityProvider", "OAuthApp", "Scope", "Webhook"]);
    const urn = "urn:pulumi:dev::latch-test::pulumi-nodejs:dynamic/latch:Scope::s";
    const checkRequest = new proto.CheckRequest();
    checkRequest.setUrn(urn);
    checkRequest.setOlds(toStruct({}));
    checkRequest.setNews(toStruct({ name: "grpc:read", description: "Over gRPC", __provider: texts.Scope }));
    const inputs = fromStruct((await host.call("check", checkRequest)).getInputs());
    const create = new proto.CreateRequest();
    create.setUrn(urn);
    create.setProperties(toStruct(inputs));
    const created = await host.call("create", create);
    expect(fromStruct(created.getProperties())).toMatchObject({ name: "grpc:read", description: "Over gRPC" });
    const remove = new proto.DeleteRequest();
    remove.setId(created.getId());
    remove.setUrn(urn);
    remove.setProperties(created.getProperties());
    await host.call("delete", remove);
    for (const [name, text] of Object.entries(texts)) {
      expect(text, name).not.toContain(latch.apiKey);
      const check = new proto.CheckRequest();
      check.setUrn(`urn:pulumi:dev::latch-test::pulumi-nodejs:dynamic/latch:${name}::x`);
      check.setOlds(toStruct({}));
      check.setNews(toStruct({ __provider: text }));
      const response = await host.call("check", check);
      expect(response.getFailuresList().length, name).toBeGreaterThan(0);
    }
  });
});

/**
 * check, create, read, diff (none), check and diff of a change, update, read, delete twice, read (gone): every
 * operation with the engine's `__provider` beside the program's properties, which no request to Latch may carry.
 */
async function fullLifecycle(
  type: string,
  news: Record<string, unknown>,
  changed: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const rpc = rpcs(type);
  const checked = async (olds: Record<string, unknown>, props: Record<string, unknown>) => {
    const { inputs, failures } = await rpc.check(olds, props);
    expect(failures, type).toEqual([]);
    return inputs;
  };
  const inputs = await checked({}, news);
  expect(inputs.__provider, type).toBe(texts[type]);
  const { id, outs } = await rpc.create(inputs);
  expect(id, type).not.toBe("");
  expect(outs.__provider, type).toBe(texts[type]);
  const read = await rpc.read(id, outs);
  expect(read.id, type).toBe(id);
  expect(read.props, type).toEqual(outs);
  expect(read.inputs.__provider, type).toBe(texts[type]);
  expect(await rpc.diff(id, read.props, inputs), type).toEqual({
    changes: proto.DiffResponse.DiffChanges.DIFF_NONE,
    replaces: [],
    deleteBeforeReplace: false,
  });
  const changedInputs = await checked(read.props, { ...news, ...changed });
  expect((await rpc.diff(id, read.props, changedInputs)).changes, type).toBe(proto.DiffResponse.DiffChanges.DIFF_SOME);
  const updated = await rpc.update(id, read.props, changedInputs);
  expect(updated, type).toMatchObject(changed);
  expect(updated.__provider, type).toBe(texts[type]);
  const reread = await rpc.read(id, updated);
  expect(reread.props, type).toMatchObject(changed);
  await rpc.delete(id, reread.props);
  await rpc.delete(id, reread.props);
  expect((await rpc.read(id, reread.props)).id, type).toBe("");
  return updated;
}

const rpcs = (type: string) => resourceRpcs(host, texts, type);

describe("every resource through every operation of the real host", () => {
  test("Scope, OAuthApp, ClientSecret, IdentityProvider and Webhook: check, create, read, diff, update, delete", async () => {
    await fullLifecycle("Scope", { name: "every:read", description: "Every op" }, { description: "Changed" });
    await fullLifecycle(
      "OAuthApp",
      { name: "Every op", redirectUris: ["https://every.example.com/cb"] },
      { description: "Changed", redirectUris: ["https://every.example.com/cb2"] },
    );
    const app = rpcs("OAuthApp");
    const owner = await app.create(
      (await app.check({}, { name: "Every op owner", grantTypes: ["client_credentials"] })).inputs,
    );
    await fullLifecycle("ClientSecret", { app: owner.id, name: "Every op" }, { name: "Every op renamed" });
    await fullLifecycle(
      "IdentityProvider",
      { app: owner.id, kind: "github", clientId: "gh-every", clientSecret: "gh-every-secret-1" },
      { clientId: "gh-every-2", displayName: "GitHub (changed)" },
    );
    await fullLifecycle(
      "Webhook",
      { url: "http://127.0.0.1:9/every", events: ["*"], app: owner.id },
      { url: "http://127.0.0.1:9/every2", description: "Changed" },
    );
    await app.delete(owner.id, owner.outs);
  });
});

describe("the secret an OAuthApp manages, through the real host", () => {
  const revoke = (id: string, overlapSeconds = 0) =>
    latch.admin.request(
      "mutation ($id: ID!, $overlap: Int) { revokeClientSecret(id: $id, overlapSeconds: $overlap) { __typename } }",
      { id, overlap: overlapSeconds },
    );

  test("rotation touches only it; revoked by hand, refresh shows it and the next update mints another", async () => {
    const app = rpcs("OAuthApp");
    const news = { name: "Managed secret", grantTypes: ["client_credentials"], rotationOverlap: 0 };
    const { inputs } = await app.check({}, news);
    const created = await app.create(inputs);
    const extra = rpcs("ClientSecret");
    const partner = await extra.create((await extra.check({}, { app: created.id, name: "partner" })).inputs);
    const clientId = created.outs.clientId as string;

    const { inputs: rotation } = await app.check(created.outs, { ...news, rotation: "r1" });
    const rotated = await app.update(created.id, created.outs, rotation);
    expect(await secretWorks(latch.server, clientId, rotated.clientSecret)).toBe(true);
    expect(await secretWorks(latch.server, clientId, created.outs.clientSecret as string)).toBe(false);
    // The ClientSecret resource's secret is not the app's to rotate: it keeps working, with no expiry.
    expect(await secretWorks(latch.server, clientId, partner.outs.secret as string)).toBe(true);
    expect((await extra.read(partner.id, partner.outs)).props).toMatchObject({ status: "ACTIVE", expiresAt: null });

    await revoke(rotated.clientSecretId as string);
    const refreshed = await app.read(created.id, rotated);
    expect(refreshed.props).toMatchObject({ clientSecret: null, clientSecretLast4: null });
    expect((await app.diff(created.id, refreshed.props, rotation)).changes).toBe(
      proto.DiffResponse.DiffChanges.DIFF_SOME,
    );
    const reminted = await app.update(created.id, refreshed.props, rotation);
    expect(reminted.clientSecret).toMatch(/^latch_cs_/);
    expect(reminted.clientSecretId).not.toBe(rotated.clientSecretId);
    expect(await secretWorks(latch.server, clientId, reminted.clientSecret)).toBe(true);
    expect(await secretWorks(latch.server, clientId, partner.outs.secret as string)).toBe(true);
    const settled = await app.read(created.id, reminted);
    expect(settled.props.clientSecret).toBe(reminted.clientSecret);
    expect((await app.diff(created.id, settled.props, rotation)).changes).toBe(
      proto.DiffResponse.DiffChanges.DIFF_NONE,
    );
    await app.delete(created.id, settled.props);
  });

  test("a ClientSecret whose secret expired or was revoked by hand is gone on refresh", async () => {
    const app = rpcs("OAuthApp");
    const owner = await app.create(
      (await app.check({}, { name: "Drifting", grantTypes: ["client_credentials"] })).inputs,
    );
    const extra = rpcs("ClientSecret");
    const expiring = await extra.create((await extra.check({}, { app: owner.id, name: "expiring" })).inputs);
    const revoked = await extra.create((await extra.check({}, { app: owner.id, name: "revoked" })).inputs);
    await revoke(expiring.id, 1);
    await revoke(revoked.id);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await extra.read(expiring.id, expiring.outs)).id).toBe("");
    expect((await extra.read(revoked.id, revoked.outs)).id).toBe("");
    await app.delete(owner.id, owner.outs);
  });
});

describe("lists read back in the program's order", () => {
  test("redirect URIs, grant types, upstream scopes and webhook events: only real changes show after a refresh", async () => {
    const app = rpcs("OAuthApp");
    const news = {
      name: "Ordered",
      redirectUris: ["https://order.example.com/a", "https://order.example.com/b"],
      grantTypes: ["refresh_token", "authorization_code"],
    };
    const created = await app.create((await app.check({}, news)).inputs);
    const { inputs: reordered } = await app.check(created.outs, {
      ...news,
      redirectUris: ["https://order.example.com/z", "https://order.example.com/a"],
    });
    const updated = await app.update(created.id, created.outs, reordered);
    expect(updated.redirectUris).toEqual(["https://order.example.com/z", "https://order.example.com/a"]);
    const read = await app.read(created.id, updated);
    expect(read.props.redirectUris).toEqual(["https://order.example.com/z", "https://order.example.com/a"]);
    expect(read.props.grantTypes).toEqual(["refresh_token", "authorization_code"]);
    expect(read.inputs.redirectUris).toEqual(read.props.redirectUris);
    // One added by hand comes after the program's.
    await latch.admin.request(
      "mutation ($id: ID!, $uri: String!) { addRedirectUri(applicationId: $id, uri: $uri) { __typename } }",
      { id: created.id, uri: "https://order.example.com/by-hand" },
    );
    expect((await app.read(created.id, read.props)).props.redirectUris).toEqual([
      "https://order.example.com/z",
      "https://order.example.com/a",
      "https://order.example.com/by-hand",
    ]);

    const idp = rpcs("IdentityProvider");
    const upstream = await idp.create(
      (
        await idp.check(
          {},
          {
            app: created.id,
            kind: "github",
            clientId: "gh",
            clientSecret: "gh-ordered-1",
            scopes: ["user:email", "read:user"],
          },
        )
      ).inputs,
    );
    expect((await idp.read(upstream.id, upstream.outs)).props.scopes).toEqual(["user:email", "read:user"]);

    const webhook = rpcs("Webhook");
    const hook = await webhook.create(
      (await webhook.check({}, { url: "http://127.0.0.1:9/ordered", events: ["grant.revoked", "application.created"] }))
        .inputs,
    );
    expect((await webhook.read(hook.id, hook.outs)).props.events).toEqual(["grant.revoked", "application.created"]);
    await webhook.delete(hook.id, hook.outs);
    await app.delete(created.id, read.props);
  });
});

describe("check knows the organization's scopes", () => {
  test("a well-formed scope the organization does not define fails at preview, unless a Scope of the program declares it", async () => {
    const app = rpcs("OAuthApp");
    const undefinedScope = await app.check({}, { name: "Scoped app", scopes: ["openid", "never:defined"] });
    expect(undefinedScope.failures).toEqual([
      {
        property: "scopes",
        reason:
          'unknown scope "never:defined": the organization does not define it (declare it with a Scope resource and pass its name)',
      },
    ]);
    // Declared by a Scope of the same program (its check runs first): not created yet, and fine.
    const scope = rpcs("Scope");
    expect((await scope.check({}, { name: "planned:read", description: "Planned" })).failures).toEqual([]);
    expect((await app.check({}, { name: "Scoped app", scopes: ["planned:read"] })).failures).toEqual([]);
    // One the organization defines, made outside the program.
    await latch.admin.request(
      'mutation { createScope(name: "existing:read", description: "Existing") { __typename } }',
    );
    expect((await app.check({}, { name: "Scoped app", scopes: ["existing:read", "email"] })).failures).toEqual([]);
  });
});
