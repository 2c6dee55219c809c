import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { apiKeyFor, controlPlane } from "../../../test/support/control-plane.ts";
import { createUser } from "../../../test/support/oauth-fixtures.ts";
import { type LatchFixture, secretWorks, startLatchFixture } from "../support/latch.ts";
import {
  configureHost,
  type ProviderHost,
  proto,
  resourceRpcs,
  SECRET_SIG,
  serializedProviders,
  startProviderHost,
} from "../support/provider-host.ts";
import { type Registration, resolved, setEngineMocks } from "../support/pulumi-mocks.ts";

let latch: LatchFixture;
let host: ProviderHost;
let texts: Record<string, string>;
let otherKey: string;
let otherOrganizationId: string;
let other: GraphQLClient;
let registrations: Registration[];
const { DIFF_SOME: SOME, DIFF_NONE: NONE } = proto.DiffResponse.DiffChanges;
const rpcs = (type: string) => resourceRpcs(host, texts, type);
/** What the host created for each resource of the program, by resource name. */
const created = new Map<string, { id: string; outs: Record<string, unknown> }>();

/** The engine strips secrets before it calls the host (the dynamic provider accepts none): unwrap them. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  if (SECRET_SIG in value) return unwrapSecrets((value as unknown as { value: unknown }).value);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapSecrets(item)]));
}

beforeAll(async () => {
  [latch, host, texts] = await Promise.all([startLatchFixture(), startProviderHost(), serializedProviders()]);
  // The stack's own organization is the fixture's; the program's explicit provider names another one.
  await configureHost(host, latch.server.url, latch.apiKey);
  const second = await createUser(latch.server.orm, { orgName: "Other Org" });
  otherOrganizationId = second.organizationId;
  otherKey = await apiKeyFor(latch.server, otherOrganizationId);
  other = controlPlane(latch.server, otherKey);

  // The program runs under the SDK's runtime; every registration goes through check and create of the real host,
  // the way the engine hands it over.
  registrations = await setEngineMocks({
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
  const { Provider, OAuthApp, Scope, Webhook, ClientSecret } = await import("../../src/index.ts");
  const otherOrg = new Provider("other-org", { endpoint: latch.server.url, apiKey: otherKey });
  // The same names in both organizations: they cannot collide, each lives in its own.
  const scopeHere = new Scope("orders-here", { name: "orders:read", description: "Orders (here)" });
  const scopeThere = new Scope(
    "orders-there",
    { name: "orders:read", description: "Orders (there)" },
    { provider: otherOrg },
  );
  const appHere = new OAuthApp("app-here", { name: "Shared Name", scopes: ["openid", scopeHere.name] });
  const appThere = new OAuthApp(
    "app-there",
    { name: "Shared Name", scopes: ["openid", scopeThere.name], grantTypes: ["client_credentials"] },
    { provider: otherOrg },
  );
  const secretThere = new ClientSecret("secret-there", { app: appThere.id, name: "Job" }, { provider: otherOrg });
  new Webhook(
    "hook-there",
    { url: "http://127.0.0.1:9/other", events: ["grant.created"], app: appThere.id },
    { provider: otherOrg },
  );
  await Promise.all([appHere, appThere, secretThere].map((resource) => resolved(resource.id)));
  await resolved(secretThere.secret);
  await new Promise((resolve) => setTimeout(resolve, 200));
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await latch?.stop();
});

type Apps = { applications: { edges: { node: { id: string; name: string; clientId: string } }[] } };
const APPS = "{ applications(first: 100) { edges { node { id name clientId } } } }";
type Scopes = { scopes: { name: string; scope: { description: string } | null }[] };
const SCOPES = "{ scopes { name scope { description } } }";

describe("one program, two organizations: `provider: new latch.Provider(...)`", () => {
  test("each resource lands in its provider's organization, the same names side by side", async () => {
    const [here, there] = await Promise.all([latch.admin.request<Apps>(APPS), other.request<Apps>(APPS)]);
    const appThere = created.get("app-there")!;
    expect(here.applications.edges.map((edge) => edge.node.name)).toEqual(["Shared Name"]);
    expect(there.applications.edges.map((edge) => edge.node)).toEqual([
      { id: appThere.id, name: "Shared Name", clientId: appThere.outs.clientId },
    ]);
    expect(here.applications.edges[0]!.node.id).toBe(created.get("app-here")!.id);
    const scopes = async (client: GraphQLClient) =>
      (await client.request<Scopes>(SCOPES)).scopes.find((scope) => scope.name === "orders:read")?.scope;
    expect(await scopes(latch.admin)).toEqual({ description: "Orders (here)" });
    expect(await scopes(other)).toEqual({ description: "Orders (there)" });
    const hooks = "{ webhooks(first: 10) { edges { node { url } } } }";
    type Hooks = { webhooks: { edges: { node: { url: string } }[] } };
    expect((await other.request<Hooks>(hooks)).webhooks.edges.map((edge) => edge.node.url)).toEqual([
      "http://127.0.0.1:9/other",
    ]);
    expect((await latch.admin.request<Hooks>(hooks)).webhooks.edges).toEqual([]);
    // The other organization's extra secret authenticates its app.
    const secret = created.get("secret-there")!.outs.secret as string;
    expect(await secretWorks(latch.server, appThere.outs.clientId as string, secret)).toBe(true);
  });

  test("the key travels only as the secret `connection`: not in the provider text, not in the component", () => {
    const there = registrations.find((registration) => registration.name === "app-there")!;
    const here = registrations.find((registration) => registration.name === "app-here")!;
    // Sent to the engine as a secret input, and declared a secret output, so the checkpoint holds it encrypted.
    expect(there.inputs.connection).toEqual({
      [SECRET_SIG]: expect.any(String),
      value: { endpoint: latch.server.url, apiKey: otherKey },
    });
    expect(there.additionalSecretOutputs).toEqual(expect.arrayContaining(["clientSecret", "connection"]));
    expect(here.inputs.connection).toBeUndefined();
    expect(here.additionalSecretOutputs).not.toContain("connection");
    // One serialized provider for both organizations, holding neither key.
    expect(there.inputs.__provider).toBe(here.inputs.__provider);
    expect(String(there.inputs.__provider)).not.toContain(otherKey);
    const component = registrations.find((registration) => registration.name === "other-org")!;
    expect(component.type).toBe("latch:index:Provider");
    expect(JSON.stringify(component.inputs)).not.toContain(otherKey);
    // Every resource of the explicit provider carries it, in its outputs too (delete and refresh need it).
    for (const name of ["orders-there", "app-there", "secret-there", "hook-there"]) {
      expect(created.get(name)!.outs.connection).toEqual({ endpoint: latch.server.url, apiKey: otherKey });
    }
  });

  test("refresh, update and delete reach the other organization; the connection stays in the state", async () => {
    const app = resourceRpcs(host, texts, "OAuthApp");
    const { id, outs } = created.get("app-there")!;
    const read = await app.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props.connection).toEqual(outs.connection);
    expect(read.inputs.connection).toEqual(outs.connection);
    const { inputs } = await app.check(read.props, { ...read.inputs, description: "Updated there" });
    expect(inputs.connection).toEqual(outs.connection);
    expect(await app.diff(id, read.props, inputs)).toMatchObject({ changes: SOME, replaces: [] });
    const updated = await app.update(id, read.props, inputs);
    expect(updated).toMatchObject({ description: "Updated there", connection: outs.connection });
    // A new key of the same organization (the old one rotated) is a change, so the state gets the new one.
    const rotated = { endpoint: latch.server.url, apiKey: await apiKeyFor(latch.server, otherOrganizationId) };
    const { inputs: rekeyed } = await app.check(updated, { ...inputs, connection: rotated });
    expect(await app.diff(id, updated, rekeyed)).toMatchObject({ changes: SOME, replaces: [] });
    expect(await app.diff(id, updated, inputs)).toMatchObject({ changes: NONE });
    const rekeyedOuts = await app.update(id, updated, rekeyed);
    expect(rekeyedOuts.connection).toEqual(rotated);

    const secret = resourceRpcs(host, texts, "ClientSecret");
    const secretThere = created.get("secret-there")!;
    await secret.delete(secretThere.id, secretThere.outs);
    const hook = resourceRpcs(host, texts, "Webhook");
    const hookThere = created.get("hook-there")!;
    await hook.delete(hookThere.id, hookThere.outs);
    await app.delete(id, rekeyedOuts);
    expect((await app.read(id, rekeyedOuts)).id).toBe("");
    expect((await other.request<Apps>(APPS)).applications.edges).toEqual([]);
    // The stack's own organization was not touched.
    expect((await latch.admin.request<Apps>(APPS)).applications.edges.map((edge) => edge.node.name)).toEqual([
      "Shared Name",
    ]);
  });

  test("a connection without a key fails instead of falling back to the stack's organization", async () => {
    const scope = rpcs("Scope");
    const news = { name: "nokey:read", description: "No key", connection: { endpoint: latch.server.url, apiKey: "" } };
    await expect(scope.check({}, news)).rejects.toMatchObject({
      code: 2,
      details: expect.stringContaining("an explicit latch.Provider needs an endpoint and an apiKey"),
    });
    await expect(scope.create({ ...news, adopt: false })).rejects.toMatchObject({ code: 2 });
    const names = (await latch.admin.request<Scopes>(SCOPES)).scopes.map((definition) => definition.name);
    expect(names).not.toContain("nokey:read");
  });

  test("a scope another organization's Scope declares does not satisfy an app's check here", async () => {
    const connection = { endpoint: latch.server.url, apiKey: otherKey };
    expect((await rpcs("Scope").check({}, { name: "there:only", description: "There", connection })).failures).toEqual(
      [],
    );
    const app = rpcs("OAuthApp");
    expect((await app.check({}, { name: "Wants there", scopes: ["there:only"], connection })).failures).toEqual([]);
    expect((await app.check({}, { name: "Wants there", scopes: ["there:only"] })).failures).toEqual([
      { property: "scopes", reason: expect.stringContaining('unknown scope "there:only"') },
    ]);
  });
});
