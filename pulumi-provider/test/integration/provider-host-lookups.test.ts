import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { apiKeyFor } from "../../../test/support/control-plane.ts";
import { createUser } from "../../../test/support/oauth-fixtures.ts";
import type * as latchPulumi from "../../src/index.ts";
import { type LatchFixture, startLatchFixture } from "../support/latch.ts";
import {
  configureHost,
  type ProviderHost,
  proto,
  resourceRpcs,
  serializedProviders,
  startProviderHost,
  toStruct,
  unwrapSecrets,
} from "../support/provider-host.ts";
import { resolved, setEngineMocks } from "../support/pulumi-mocks.ts";

let latch: LatchFixture;
let host: ProviderHost;
let texts: Record<string, string>;
let otherKey: string;
let lib: typeof latchPulumi;
/** What the host created for each resource of the program, by resource name. */
const created = new Map<string, { id: string; outs: Record<string, unknown> }>();
let program: {
  otherOrg: latchPulumi.Provider;
  byClientId: pulumi.Output<latchPulumi.GetOAuthAppResult>;
  byNameThere: pulumi.Output<latchPulumi.GetOAuthAppResult>;
  scope: pulumi.Output<latchPulumi.GetScopeResult>;
  hookById: pulumi.Output<latchPulumi.GetWebhookResult>;
  hookByUrl: pulumi.Output<latchPulumi.GetWebhookResult>;
  orgHook: pulumi.Output<latchPulumi.GetWebhookResult>;
  afterApp: pulumi.Output<latchPulumi.GetOAuthAppResult>;
};
const HOOK_URL = "http://127.0.0.1:9/latch/t0ken-4d1f";

beforeAll(async () => {
  [latch, host, texts] = await Promise.all([startLatchFixture(), startProviderHost(), serializedProviders()]);
  await configureHost(host, latch.server.url, latch.apiKey);
  otherKey = await apiKeyFor(latch.server, (await createUser(latch.server.orm, { orgName: "Other" })).organizationId);
  // The program reads the stack's config the way the engine hands it over (secrets decrypted, names secret), never
  // the environment: none is set.
  delete process.env.LATCH_ENDPOINT;
  delete process.env.LATCH_API_KEY;
  pulumi.runtime.setAllConfig({ "latch:endpoint": latch.server.url, "latch:apiKey": latch.apiKey }, ["latch:apiKey"]);

  // The program runs under the SDK's runtime; each registration goes through check and create of the real host.
  // The lookups run in the program itself: the host answers every Invoke with "unknown function".
  await setEngineMocks({
    async create(args) {
      if (!args.type.startsWith("pulumi-nodejs:dynamic/")) return { id: `${args.name}-id`, state: {} };
      const rpcs = resourceRpcs(host, texts, args.type.split(":").pop()!);
      const { inputs, failures } = await rpcs.check({}, unwrapSecrets(args.inputs) as Record<string, unknown>);
      if (failures.length > 0) throw new Error(JSON.stringify(failures));
      const result = await rpcs.create(inputs);
      created.set(args.name, result);
      return { id: result.id, state: result.outs };
    },
  });
  lib = await import("../../src/index.ts");
  const { OAuthApp, Provider, Scope, Webhook } = lib;
  const otherOrg = new Provider("other-org", { endpoint: latch.server.url, apiKey: pulumi.secret(otherKey) });
  const scope = new Scope("reports", { name: "reports:read", description: "Read the reports" });
  const app = new OAuthApp("portal", {
    name: "Portal",
    redirectUris: ["https://portal.example/callback", "https://portal.example/other"],
    scopes: ["openid", scope.name],
  });
  const appThere = new OAuthApp(
    "portal-there",
    { name: "Portal", grantTypes: ["client_credentials"] },
    { provider: otherOrg },
  );
  const hook = new Webhook("portal-hook", { url: HOOK_URL, events: ["grant.created"], app: app.id });
  const orgHook = new Webhook("org-hook", { url: HOOK_URL, events: ["*"], description: "Everything" });
  program = {
    otherOrg,
    byClientId: lib.getOAuthAppOutput({ clientId: app.clientId }),
    // Plain names: without dependsOn these would run at once, before the program's resources exist.
    byNameThere: lib.getOAuthAppOutput({ name: "Portal" }, { provider: otherOrg, dependsOn: appThere }),
    scope: lib.getScopeOutput({ name: scope.name }),
    hookById: lib.getWebhookOutput({ id: hook.id }),
    hookByUrl: lib.getWebhookOutput({ url: hook.url, app: app.id }),
    orgHook: lib.getWebhookOutput({ url: HOOK_URL, app: null }, { dependsOn: [orgHook] }),
    afterApp: lib.getOAuthAppOutput({ name: "Portal" }, { dependsOn: [app] }),
  };
  const { otherOrg: _provider, ...lookups } = program;
  await Promise.all(Object.values(lookups).map((lookup) => resolved(lookup as pulumi.Output<unknown>)));
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await latch?.stop();
});

describe("lookups in a program: getOAuthApp, getScope, getWebhook (Output and Promise forms)", () => {
  test("getOAuthAppOutput by client id reads the app the host created, with no secret in it", async () => {
    const portal = created.get("portal")!;
    const found = await resolved(program.byClientId);
    expect(found).toMatchObject({
      id: portal.id,
      clientId: portal.outs.clientId,
      name: "Portal",
      type: "confidential",
      redirectUris: ["https://portal.example/callback", "https://portal.example/other"],
      scopes: ["openid", "reports:read"],
      enabled: true,
      managedBy: "pulumi:organization/latch-test/dev",
      clientSecrets: [{ id: portal.outs.clientSecretId, last4: portal.outs.clientSecretLast4, status: "ACTIVE" }],
    });
    expect(Object.keys(found)).not.toContain("clientSecret");
    expect(JSON.stringify(found)).not.toContain(portal.outs.clientSecret as string);
    // Not secret: the stack's key is used, never returned, and the client id is no secret.
    expect(await pulumi.isSecret(program.byClientId)).toBe(false);
    expect(await resolved(program.afterApp)).toMatchObject({ id: portal.id });
  });

  test("an explicit latch.Provider reads its own organization: the same name, another app", async () => {
    const there = created.get("portal-there")!;
    const found = await resolved(program.byNameThere);
    expect(found).toMatchObject({ id: there.id, clientId: there.outs.clientId, grantTypes: ["client_credentials"] });
    expect(found.clientId).not.toBe(created.get("portal")!.outs.clientId);
    // The provider's key is a secret input of the lookup, not of its result.
    expect(await pulumi.isSecret(program.byNameThere)).toBe(false);
    expect(JSON.stringify(found)).not.toContain(otherKey);
    const promised = await lib.getOAuthApp({ clientId: there.outs.clientId as string }, { provider: program.otherOrg });
    expect(promised.id).toBe(there.id);
    // The other organization's app is not found with the stack's key.
    await expect(lib.getOAuthApp({ clientId: there.outs.clientId as string })).rejects.toThrow(
      `getOAuthApp: clientId: no OAuth app with client id "${there.outs.clientId}" in the organization [NOT_FOUND]`,
    );
  });

  test("getScope reads custom scopes (with their id) and built-ins", async () => {
    expect(await resolved(program.scope)).toEqual({
      id: created.get("reports")!.id,
      name: "reports:read",
      description: "Read the reports",
      builtIn: false,
    });
    expect(await lib.getScope({ name: "openid" })).toMatchObject({ id: null, name: "openid", builtIn: true });
    // A secret argument makes a secret result (the Output form keeps what the program said).
    const secretly = lib.getScopeOutput({ name: pulumi.secret("reports:read") });
    expect(await pulumi.isSecret(secretly)).toBe(true);
    expect((await resolved(secretly)).description).toBe("Read the reports");
    await expect(lib.getScope({ name: "reports:write" })).rejects.toThrow(
      'getScope: name: no scope named "reports:write" in the organization [NOT_FOUND]',
    );
  });

  test("getWebhook by id and by url (with app to tell an app's from the organization-wide one)", async () => {
    const hook = created.get("portal-hook")!;
    const orgHook = created.get("org-hook")!;
    const expected = {
      id: hook.id,
      url: HOOK_URL,
      events: ["grant.created"],
      app: created.get("portal")!.id,
      active: true,
      disabledAt: null,
    };
    expect(await resolved(program.hookById)).toMatchObject(expected);
    expect(await resolved(program.hookByUrl)).toMatchObject(expected);
    expect(await resolved(program.orgHook)).toMatchObject({ id: orgHook.id, app: null, events: ["*"] });
    for (const found of [await resolved(program.hookById), await lib.getWebhook({ id: orgHook.id })]) {
      expect(Object.keys(found)).not.toContain("secret");
      expect(JSON.stringify(found)).not.toContain("whsec_");
    }
    // Two webhooks share the url: without app the lookup says so instead of picking one.
    await expect(lib.getWebhook({ url: HOOK_URL })).rejects.toThrow(
      "getWebhook: url: 2 webhooks have this url: pass `app` (null for the organization-wide one) [AMBIGUOUS]",
    );
    // Not found names the origin only: a webhook url's path may carry a token.
    const missing = lib.getWebhook({ url: "http://127.0.0.1:9/other/s3cret-path" });
    await expect(missing).rejects.toThrow(
      'getWebhook: url: no webhook with a url on "http://127.0.0.1:9" in the organization [NOT_FOUND]',
    );
    await expect(missing).rejects.not.toThrow("s3cret-path");
    await expect(lib.getWebhook({ id: "not-a-global-id" })).rejects.toThrow(
      'getWebhook: id: no webhook with id "not-a-global-id" in the organization [NOT_FOUND]',
    );
    await expect(lib.getWebhook({ id: created.get("portal")!.id })).rejects.toThrow(
      /^getWebhook: id: no webhook with id ".+" in the organization \[NOT_FOUND\]$/,
    );
  });

  test("bad arguments and bad connections are clear errors that never hold the key", async () => {
    await expect(lib.getOAuthApp({} as never)).rejects.toThrow(
      "getOAuthApp: pass exactly one of clientId and name [VALIDATION_FAILED]",
    );
    await expect(lib.getOAuthApp({ name: "A", clientId: "b" } as never)).rejects.toThrow("exactly one of");
    await expect(lib.getWebhook({ id: "x", url: HOOK_URL } as never)).rejects.toThrow(
      "getWebhook: pass exactly one of id and url",
    );
    await expect(lib.getScope({ name: "" })).rejects.toThrow("getScope: name: name must be a non-empty string");
    const badKey = "latch_ak_not_a_real_key_0123456789";
    const wrong = new lib.Provider("wrong-key", { endpoint: latch.server.url, apiKey: badKey });
    const failure = await lib.getScope({ name: "openid" }, { provider: wrong }).catch((error: Error) => error);
    expect(String((failure as Error).message)).toMatch(/^getScope: name: the control plane rejected the API key/);
    expect(`${(failure as Error).message}\n${(failure as Error).stack}`).not.toContain(badKey);
    await expect(
      lib.getScope({ name: "openid" }, { provider: { urn: "x" } as unknown as latchPulumi.Provider }),
    ).rejects.toThrow("getScope: name: provider must be a latch.Provider");
  });

  test("the host itself has no functions: Invoke answers unknown function", async () => {
    const request = new proto.InvokeRequest();
    request.setTok("latch:index:getOAuthApp");
    request.setArgs(toStruct({ name: "Portal" }));
    await expect(host.call("invoke", request)).rejects.toMatchObject({
      details: expect.stringContaining("unknown function latch:index:getOAuthApp"),
    });
  });
});
