import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type LatchFixture, startLatchFixture } from "../support/latch.ts";
import {
  configureHost,
  type ProviderHost,
  resourceRpcs,
  serializedProviders,
  startProviderHost,
} from "../support/provider-host.ts";

let latch: LatchFixture;
let host: ProviderHost;
let texts: Record<string, string>;

beforeAll(async () => {
  [latch, host, texts] = await Promise.all([startLatchFixture(), startProviderHost(), serializedProviders()]);
  await configureHost(host, latch.server.url, latch.apiKey);
}, 120_000);
afterAll(async () => {
  await host?.stop();
  await latch?.stop();
});

const rpcs = (type: string) => resourceRpcs(host, texts, type);

/**
 * A retained resource is one whose state the engine dropped without calling delete (`retainOnDelete`, `pulumi state
 * delete`): the object lives on. A new program declaring it again takes it back with `adopt: true`.
 */
describe("adoption of a retained object by a new program, through the real host", () => {
  test("Scope: without adopt the name conflicts with a hint; with it the same scope is managed again", async () => {
    const scope = rpcs("Scope");
    const first = await scope.create((await scope.check({}, { name: "retained:read", description: "First" })).inputs);

    const again = { name: "retained:read", description: "Second program" };
    await expect(scope.create((await scope.check({}, again)).inputs)).rejects.toMatchObject({
      code: 2,
      details: expect.stringContaining("(set `adopt: true` to take over the existing scope)"),
    });
    const { inputs, failures } = await scope.check({}, { ...again, adopt: true });
    expect(failures).toEqual([]);
    const adopted = await scope.create(inputs);
    expect(adopted.id).toBe(first.id);
    expect(adopted.outs).toMatchObject({ name: "retained:read", description: "Second program", adopt: true });
    expect((await scope.read(first.id, adopted.outs)).props).toMatchObject({ description: "Second program" });
    // Managed again: an update and a delete act on it.
    const { inputs: changed } = await scope.check(adopted.outs, { ...again, adopt: true, description: "Third" });
    expect(await scope.update(first.id, adopted.outs, changed)).toMatchObject({ description: "Third" });
    await scope.delete(first.id, adopted.outs);
    expect((await scope.read(first.id, adopted.outs)).id).toBe("");
    // Nothing of that name: adopt creates it.
    const fresh = await scope.create((await scope.check({}, { ...again, name: "fresh:read", adopt: true })).inputs);
    expect(fresh.outs).toMatchObject({ name: "fresh:read", adopt: true });
    expect((await scope.check({}, { ...again, adopt: "yes" })).failures).toEqual([
      { property: "adopt", reason: "adopt must be true or false" },
    ]);
  });

  test("Webhook and IdentityProvider: taken back by url and app, and by app and kind", async () => {
    const app = rpcs("OAuthApp");
    const owner = await app.create(
      (await app.check({}, { name: "Adopting", grantTypes: ["client_credentials"] })).inputs,
    );

    const webhook = rpcs("Webhook");
    const hookNews = { url: "http://127.0.0.1:9/retained", events: ["grant.created"], app: owner.id };
    const hook = await webhook.create((await webhook.check({}, hookNews)).inputs);
    // An organization-wide webhook of the same url is another webhook: not the one adopted.
    const orgWide = await webhook.create((await webhook.check({}, { ...hookNews, app: null })).inputs);
    const adoptedHook = await webhook.create(
      (await webhook.check({}, { ...hookNews, events: ["grant.revoked"], adopt: true })).inputs,
    );
    expect(adoptedHook.id).toBe(hook.id);
    expect(adoptedHook.outs).toMatchObject({ events: ["grant.revoked"], app: owner.id, adopt: true });
    // Its secret cannot be read back, so adoption rotates it: the new program holds a working secret.
    expect(adoptedHook.outs.secret).toMatch(/^whsec_/);
    expect(adoptedHook.outs.secret).not.toBe(hook.outs.secret);
    expect((await webhook.read(hook.id, adoptedHook.outs)).props).toMatchObject({ events: ["grant.revoked"] });
    await webhook.delete(orgWide.id, orgWide.outs);

    const idp = rpcs("IdentityProvider");
    const idpNews = { app: owner.id, kind: "github", clientId: "gh-first", clientSecret: "gh-first-secret" };
    const upstream = await idp.create((await idp.check({}, idpNews)).inputs);
    // An app has one provider per kind: a second without adopt conflicts.
    await expect(idp.create((await idp.check({}, { ...idpNews, clientId: "gh-second" })).inputs)).rejects.toMatchObject(
      {
        code: 2,
      },
    );
    const adoptedIdp = await idp.create(
      (await idp.check({}, { ...idpNews, clientId: "gh-second", clientSecret: "gh-second-secret", adopt: true }))
        .inputs,
    );
    expect(adoptedIdp.id).toBe(upstream.id);
    expect(adoptedIdp.outs).toMatchObject({ clientId: "gh-second", clientSecretLast4: "cret", adopt: true });
    const read = await idp.read(upstream.id, adoptedIdp.outs);
    expect(read.props).toMatchObject({ clientId: "gh-second", clientSecret: "gh-second-secret" });
    await idp.delete(upstream.id, adoptedIdp.outs);
    await webhook.delete(hook.id, adoptedHook.outs);
    await app.delete(owner.id, owner.outs);
  });
});
