import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  createOAuthAppProvider,
  type OAuthAppDesired,
  type OAuthAppInputs,
  type OAuthAppOutputs,
  type OAuthAppProvider,
} from "../../src/provider/oauth-app.ts";
import { UNKNOWN } from "../../src/provider/rules.ts";
import { type LatchFixture, secretWorks, startLatchFixture } from "../support/latch.ts";

let latch: LatchFixture;
let provider: OAuthAppProvider;

beforeAll(async () => {
  latch = await startLatchFixture();
  provider = createOAuthAppProvider();
  await provider.configure({ config: latch.config });
});
afterAll(async () => {
  await latch?.stop();
});

const base: OAuthAppInputs = {
  name: "Billing portal",
  redirectUris: ["https://billing.example.com/callback"],
  scopes: ["openid", "email"],
  grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
  primaryColor: "#1A2B3C",
};

/** check, as the engine runs it before anything else; fails the test on a check failure. */
async function checked(inputs: Partial<OAuthAppInputs>): Promise<OAuthAppDesired> {
  const result = await provider.check({}, inputs);
  expect(result.failures).toEqual([]);
  return result.inputs;
}

async function liveRedirectUris(id: string): Promise<string[]> {
  const data = await latch.admin.request<{ application: { redirectUris: { uri: string }[] } | null }>(
    "query ($id: ID!) { application(id: $id) { redirectUris { uri } } }",
    { id },
  );
  return data.application?.redirectUris.map((redirect) => redirect.uri) ?? [];
}

describe("check", () => {
  test("reports every failure, each by property, with the server's wording", async () => {
    const { failures } = await provider.check(
      {},
      {
        name: "  ",
        type: "public",
        redirectUris: ["http://evil.example.com/cb", "https://ok.example.com/cb#frag"],
        scopes: ["Not A Scope"],
        grantTypes: ["client_credentials", "password", "implicit"],
        accessTokenTtl: 10,
        refreshReuseInterval: 61,
        primaryColor: "red",
        homepageUrl: "http://example.com",
        rotationOverlap: "forever",
        rotation: "1",
      },
    );
    expect(failures.map((failure) => failure.property).sort()).toEqual(
      [
        "name",
        "redirectUris",
        "redirectUris",
        "scopes",
        "grantTypes",
        "grantTypes",
        "grantTypes",
        "accessTokenTtl",
        "refreshReuseInterval",
        "primaryColor",
        "homepageUrl",
        "rotationOverlap",
        "rotation",
      ].sort(),
    );
    expect(failures).toContainEqual({
      property: "redirectUris",
      reason:
        'redirect URI "http://evil.example.com/cb" is invalid: the redirect URI must use https; http is allowed only on localhost, 127.0.0.1 and [::1]',
    });
    expect(failures).toContainEqual({
      property: "grantTypes",
      reason: "public applications cannot use client_credentials",
    });
    expect(failures).toContainEqual({ property: "name", reason: "name must be 1 to 100 characters" });
  });

  test("fills in the server's defaults so diff compares like with like", async () => {
    const inputs = await checked({ name: " Minimal " });
    expect(inputs).toMatchObject({
      name: "Minimal",
      type: "confidential",
      redirectUris: [],
      grantTypes: ["authorization_code", "refresh_token"],
      accessTokenFormat: "jwt",
      accessTokenTtl: 604_800,
      refreshTokenTtl: 2_592_000,
      refreshTokenRotation: true,
      refreshReuseInterval: 0,
      enabled: true,
      adopt: false,
      rotation: null,
      rotationOverlap: 86_400,
      description: null,
    });
  });

  test("a preview with unknown inputs checks what is known and diffs the unknown as changed", async () => {
    const { failures, inputs } = await provider.check(
      {},
      { name: UNKNOWN, redirectUris: [UNKNOWN, "https://a.example.com/cb"], enabled: UNKNOWN as never },
    );
    expect(failures).toEqual([]);
    expect(inputs.name).toBe(UNKNOWN);
    const olds = { ...(await checked({ name: "x", redirectUris: ["https://a.example.com/cb"] })) } as OAuthAppOutputs;
    const diff = await provider.diff("id", olds, inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    expect(diff.diffs.sort()).toEqual(["enabled", "name", "redirectUris"]);
    const unknownType = await provider.diff("id", olds, { ...olds, type: UNKNOWN as never });
    expect(unknownType).toMatchObject({ replaces: ["type", "clientId"], deleteBeforeReplace: true });
  });
});

describe("OAuthApp lifecycle against a running Latch", () => {
  let id: string;
  let outs: OAuthAppOutputs;

  test("create: the app exists with its settings, and the clientSecret output authenticates", async () => {
    const created = await provider.create(await checked(base));
    id = created.id;
    outs = created.outs;
    expect(outs.clientId).toMatch(/^latch_ci_/);
    expect(outs.clientSecret).toMatch(/^latch_cs_/);
    expect(outs.clientSecretLast4).toBe(outs.clientSecret!.slice(-4));
    expect(outs).toMatchObject({
      name: "Billing portal",
      primaryColor: "#1a2b3c",
      enabled: true,
      type: "confidential",
    });
    expect(await liveRedirectUris(id)).toEqual(["https://billing.example.com/callback"]);
    expect(await secretWorks(latch.server, outs.clientId, outs.clientSecret!)).toBe(true);
  });

  test("read returns the live state; diff against the same program is empty", async () => {
    const read = await provider.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toEqual(outs);
    expect(read.inputs).not.toHaveProperty("clientSecret");
    expect(await provider.diff(id, outs, await checked(base))).toMatchObject({ changes: false, diffs: [] });
  });

  test("diff reports exactly the changed properties and replaces only on type", async () => {
    const renamed = await provider.diff(
      id,
      outs,
      await checked({ ...base, name: "Billing", redirectUris: ["https://billing.example.com/cb2"] }),
    );
    expect(renamed).toMatchObject({ changes: true, replaces: [], diffs: ["name", "redirectUris"] });
    const reordered = await provider.diff(id, outs, await checked({ ...base, scopes: ["email", "openid"] }));
    expect(reordered.changes).toBe(false);
    const retyped = await provider.diff(
      id,
      outs,
      await checked({ ...base, grantTypes: ["authorization_code"], type: "public" }),
    );
    expect(retyped).toMatchObject({ replaces: ["type", "clientId"], deleteBeforeReplace: true });
    const rotated = await provider.diff(id, outs, await checked({ ...base, rotation: "2026-q1" }));
    expect(rotated).toMatchObject({ changes: true, replaces: [], diffs: ["rotation"] });
  });

  test("update changes name, redirect URIs, scopes, token settings and enabled in place; the secret carries forward", async () => {
    const news = await checked({
      ...base,
      name: "Billing",
      description: "Invoices",
      redirectUris: ["https://billing.example.com/callback", "https://billing.example.com/cb2"],
      scopes: ["openid"],
      refreshTokenRotation: false,
      accessTokenFormat: "opaque",
      tokenEndpointAuthMethod: "client_secret_basic",
      isResourceServer: true,
      enabled: false,
    });
    const updated = await provider.update(id, outs, news);
    expect(updated.outs).toMatchObject({
      name: "Billing",
      description: "Invoices",
      scopes: ["openid"],
      refreshTokenRotation: false,
      accessTokenFormat: "opaque",
      tokenEndpointAuthMethod: "client_secret_basic",
      isResourceServer: true,
      enabled: false,
      clientId: outs.clientId,
      clientSecret: outs.clientSecret,
    });
    expect(await liveRedirectUris(id)).toEqual([
      "https://billing.example.com/callback",
      "https://billing.example.com/cb2",
    ]);
    const back = await provider.update(id, updated.outs, await checked(base));
    expect(back.outs).toMatchObject({
      name: "Billing portal",
      enabled: true,
      description: null,
      scopes: ["openid", "email"],
      tokenEndpointAuthMethod: "any",
      isResourceServer: false,
    });
    expect(await liveRedirectUris(id)).toEqual(["https://billing.example.com/callback"]);
    outs = back.outs;
    expect(await secretWorks(latch.server, outs.clientId, outs.clientSecret!)).toBe(true);
  });

  test("rotation: a new rotation value mints a new secret in place; the old one keeps working for the overlap", async () => {
    const previous = outs.clientSecret!;
    const before = Date.now();
    const news = await checked({ ...base, rotation: "2026-q1", rotationOverlap: "2h" });
    const rotated = await provider.update(id, outs, news);
    expect(rotated.outs.clientSecret).toMatch(/^latch_cs_/);
    expect(rotated.outs.clientSecret).not.toBe(previous);
    expect(rotated.outs.clientId).toBe(outs.clientId);
    const expires = Date.parse(rotated.outs.previousSecretsExpireAt!);
    expect(expires).toBeGreaterThanOrEqual(before + 2 * 3600_000 - 5000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 2 * 3600_000 + 5000);
    expect(await secretWorks(latch.server, outs.clientId, previous)).toBe(true);
    expect(await secretWorks(latch.server, outs.clientId, rotated.outs.clientSecret!)).toBe(true);
    // The same rotation value again changes nothing; the secret carries forward.
    const again = await provider.update(id, rotated.outs, news);
    expect(again.outs.clientSecret).toBe(rotated.outs.clientSecret);
    outs = again.outs;
  });

  test("refresh shows drift: a redirect URI added by hand appears in read's state and inputs", async () => {
    await latch.admin.request(
      'mutation ($id: ID!) { addRedirectUri(applicationId: $id, uri: "https://hand.example.com/cb") { __typename } }',
      { id },
    );
    const read = await provider.read(id, outs);
    expect(read.props?.redirectUris).toEqual(["https://billing.example.com/callback", "https://hand.example.com/cb"]);
    expect(read.inputs?.redirectUris).toEqual(read.props?.redirectUris);
    expect(read.props?.clientSecret).toBe(outs.clientSecret);
    expect(read.inputs).toMatchObject({ rotation: "2026-q1", rotationOverlap: 7200 });
    // The next `up` removes it again.
    const diff = await provider.diff(
      id,
      read.props as OAuthAppOutputs,
      await checked({ ...base, rotation: "2026-q1", rotationOverlap: "2h" }),
    );
    expect(diff.diffs).toEqual(["redirectUris"]);
    await provider.update(id, read.props as OAuthAppOutputs, await checked({ ...base, rotation: "2026-q1" }));
    expect(await liveRedirectUris(id)).toEqual(["https://billing.example.com/callback"]);
  });

  test("delete removes the app; deleting again succeeds; read of a deleted app says it is gone", async () => {
    await provider.delete(id, outs);
    expect(await secretWorks(latch.server, outs.clientId, outs.clientSecret!)).toBe(false);
    await provider.delete(id, outs);
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });
});

describe("OAuthApp adopt, drift and errors", () => {
  test("an app deleted by hand reads as gone", async () => {
    const { id, outs } = await provider.create(await checked({ name: "Hand deleted" }));
    await latch.admin.request("mutation ($id: ID!) { deleteApplication(id: $id) { __typename } }", { id });
    expect(await provider.read(id, outs)).toEqual({ id: "" });
  });

  test("a name conflict without adopt fails naming the resource and property, suggesting adopt", async () => {
    await provider.create(await checked({ name: "Taken" }));
    await expect(provider.create(await checked({ name: "Taken" }))).rejects.toThrow(
      /^OAuthApp "Taken": name: an application named "Taken" already exists in this organization \[CONFLICT\] \(set `adopt: true`/,
    );
  });

  test("adopt takes over the existing app of that name, applies the program, and mints a secret of its own", async () => {
    const existing = await latch.admin.request<{
      createApplication: { clientSecret: string; application: { id: string; clientId: string } };
    }>(
      `mutation { createApplication(input: { name: "Legacy", type: CONFIDENTIAL, redirectUris: ["https://legacy.example.com/cb"], grantTypes: ["client_credentials"] }) {
        ... on CreateApplicationPayload { clientSecret application { id clientId } } } }`,
    );
    const { application, clientSecret: oldSecret } = existing.createApplication;
    const adopted = await provider.create(
      await checked({
        name: "Legacy",
        adopt: true,
        redirectUris: ["https://legacy.example.com/new"],
        grantTypes: ["client_credentials"],
        rotationOverlap: 600,
      }),
    );
    expect(adopted.id).toBe(application.id);
    expect(adopted.outs.clientId).toBe(application.clientId);
    expect(await liveRedirectUris(adopted.id)).toEqual(["https://legacy.example.com/new"]);
    expect(await secretWorks(latch.server, application.clientId, adopted.outs.clientSecret!)).toBe(true);
    // The secrets the app had are not this resource's (ClientSecret resources', another deploy's): untouched.
    expect(await secretWorks(latch.server, application.clientId, oldSecret)).toBe(true);
    expect(adopted.outs.previousSecretsExpireAt).toBeNull();
    const secrets = await latch.admin.request<{ node: { clientSecrets: { id: string; expiresAt: string | null }[] } }>(
      "query ($id: ID!) { node(id: $id) { ... on Application { clientSecrets { id expiresAt } } } }",
      { id: application.id },
    );
    expect(secrets.node.clientSecrets.map((secret) => secret.expiresAt)).toEqual([null, null]);
    expect(secrets.node.clientSecrets.map((secret) => secret.id)).toContain(adopted.outs.clientSecretId);
    // adopt on a name nobody has creates the app.
    const fresh = await provider.create(await checked({ name: "Adopt but new", adopt: true }));
    expect(fresh.outs.clientSecret).toMatch(/^latch_cs_/);
  });

  test("a public app has no secret; a server-side rule failure names the resource and the property", async () => {
    const pub = await provider.create(
      await checked({ name: "Native", type: "public", redirectUris: ["com.example.app:/cb"] }),
    );
    expect(pub.outs.clientSecret).toBeNull();
    // A custom scope name the organization does not define fails check; the server refuses it all the same.
    const scoped = await provider.check({}, { name: "Scoped", scopes: ["nope:undefined"] });
    expect(scoped.failures.map((failure) => failure.property)).toEqual(["scopes"]);
    await expect(provider.create(scoped.inputs)).rejects.toThrow(
      'OAuthApp "Scoped": scopes: unknown scope "nope:undefined" [VALIDATION_FAILED]',
    );
    const unauthorized = createOAuthAppProvider();
    await unauthorized.configure({
      config: { get: (key: string) => (key === "latch:endpoint" ? latch.server.url : "latch_ak_wrong") },
    });
    await expect(unauthorized.create(await checked({ name: "Nope" }))).rejects.toThrow(
      /^OAuthApp "Nope": the control plane rejected the API key/,
    );
  });
});
