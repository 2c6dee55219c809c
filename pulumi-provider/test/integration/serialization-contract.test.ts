import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ClientSecret, IdentityProvider, OAuthApp, Scope, Webhook } from "../../src/index.ts";
import type { OAuthAppOutputs, OAuthAppProvider } from "../../src/provider/oauth-app.ts";
import { type LatchFixture, secretWorks, startLatchFixture } from "../support/latch.ts";
import { loadProvider, resolved, setEngineMocks } from "../support/pulumi-mocks.ts";

let latch: LatchFixture;
let providerText: string;
let texts: Record<string, string>;

beforeAll(async () => {
  latch = await startLatchFixture();
  // Credentials in the program's environment and config must not leak into the serialized provider either.
  process.env.LATCH_ENDPOINT = latch.server.url;
  process.env.LATCH_API_KEY = latch.apiKey;
  texts = {};
  await setEngineMocks({
    create(args) {
      texts[args.type.split(":").pop()!] = args.inputs.__provider as string;
      return { id: `${args.name}-id`, state: {} };
    },
  });
  const app = new OAuthApp("web", { name: "Serialized" });
  const resources = [
    app,
    new ClientSecret("secret", { app: app.id, name: "Serialized" }),
    new Scope("scope", { name: "serialized:read", description: "Serialized" }),
    new IdentityProvider("idp", { app: app.id, kind: "github", clientId: "id", clientSecret: "upstream-secret-value" }),
    new Webhook("webhook", { url: "https://hooks.example.com/latch", events: ["*"] }),
  ];
  await Promise.all(resources.map((resource) => resolved(resource.id)));
  providerText = texts.OAuthApp!;
  delete process.env.LATCH_ENDPOINT;
  delete process.env.LATCH_API_KEY;
});
afterAll(async () => {
  await latch?.stop();
});

describe("the serialized provider (what `__provider` holds in the state)", () => {
  test("holds no credential, endpoint or token, and requires no module", () => {
    expect(providerText.length).toBeGreaterThan(1000);
    expect(providerText).not.toContain(latch.apiKey);
    expect(providerText).not.toContain("latch_ak_");
    expect(providerText).not.toContain(latch.server.url);
    expect(providerText).not.toContain(`:${new URL(latch.server.url).port}`);
    expect(providerText).not.toMatch(/\brequire\(/);
    expect(providerText).toMatch(/settings: undefined/);
  });

  test("every resource's provider text is free of credentials and of the secrets passed as inputs", () => {
    expect(Object.keys(texts).sort()).toEqual(["ClientSecret", "IdentityProvider", "OAuthApp", "Scope", "Webhook"]);
    for (const text of Object.values(texts)) {
      expect(text).not.toContain(latch.apiKey);
      expect(text).not.toContain(latch.server.url);
      expect(text).not.toContain("upstream-secret-value");
      expect(text).not.toMatch(/\brequire\(/);
    }
  });

  test("a copy loaded the way the host loads it runs the whole lifecycle once configured", async () => {
    const provider = loadProvider<OAuthAppProvider>(providerText);
    await expect(provider.create({ ...(await provider.check({}, { name: "x" })).inputs })).rejects.toThrow(
      /no Latch endpoint or API key/,
    );
    await provider.configure({ config: latch.config });
    const { inputs } = await provider.check({}, { name: "Round trip", grantTypes: ["client_credentials"] });
    const created = await provider.create(inputs);
    expect(await secretWorks(latch.server, created.outs.clientId, created.outs.clientSecret!)).toBe(true);
    const read = await provider.read(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
    const news = (
      await provider.check(created.outs, { name: "Round trip", grantTypes: ["client_credentials"], rotation: "1" })
    ).inputs;
    expect((await provider.diff(created.id, created.outs, news)).diffs).toEqual(["rotation"]);
    const updated = await provider.update(created.id, created.outs as OAuthAppOutputs, news);
    expect(updated.outs.clientSecret).not.toBe(created.outs.clientSecret);
    await provider.delete(created.id, updated.outs);
    expect(await provider.read(created.id, updated.outs)).toEqual({ id: "" });
  });
});
