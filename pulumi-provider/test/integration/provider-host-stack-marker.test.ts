import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type LatchFixture, secretWorks, startLatchFixture } from "../support/latch.ts";
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

const STACK_A = "pulumi:acme/infra/a";
const STACK_B = "pulumi:acme/infra/b";
const STACK_C = "pulumi:acme/infra/c";

/** The app as the control plane has it; null once it is gone. */
async function liveApp(id: string) {
  const response = await fetch(`${latch.server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${latch.apiKey}` },
    body: JSON.stringify({
      query: "query ($id: ID!) { application(id: $id) { managedBy description } }",
      variables: { id },
    }),
  });
  const body = (await response.json()) as {
    data: { application: { managedBy: string | null; description: string | null } | null } | null;
  };
  return body.data?.application ?? null;
}

describe("the stack marker an OAuthApp records, through the real host", () => {
  test("adopt refuses an app another stack manages unless forced; a retained app is released for the next stack", async () => {
    const app = resourceRpcs(host, texts, "OAuthApp");
    const base = { name: "Shared app", grantTypes: ["client_credentials"], rotationOverlap: 0 };

    // Stack A creates the app and records itself on it.
    const a = await app.create((await app.check({}, { ...base, description: "A's", managedBy: STACK_A })).inputs);
    expect(a.outs.managedBy).toBe(STACK_A);
    expect(await liveApp(a.id)).toEqual({ managedBy: STACK_A, description: "A's" });

    // Stack B with adopt: true is refused before anything changes: A's settings and secret are untouched.
    const bNews = { ...base, description: "B's", adopt: true, managedBy: STACK_B };
    const { inputs: bInputs } = await app.check({}, bNews);
    await expect(app.create(bInputs)).rejects.toMatchObject({
      code: 2,
      details: `OAuthApp "Shared app": adopt: the app is managed by ${STACK_A}, not ${STACK_B}; set \`adopt: "force"\` to take it over (the other stack then no longer manages it) [MANAGED_ELSEWHERE]`,
    });
    expect(await liveApp(a.id)).toEqual({ managedBy: STACK_A, description: "A's" });
    expect(await secretWorks(latch.server, a.outs.clientId as string, a.outs.clientSecret as string)).toBe(true);
    // Anything but true, false or "force" is refused at preview.
    expect((await app.check({}, { ...bNews, adopt: "yes" })).failures).toEqual([
      { property: "adopt", reason: 'adopt must be true, false or "force"' },
    ]);

    // Forced, B takes it over: its marker, its settings, a new secret beside A's.
    const b = await app.create((await app.check({}, { ...bNews, adopt: "force" })).inputs);
    expect(b.id).toBe(a.id);
    expect(await liveApp(a.id)).toEqual({ managedBy: STACK_B, description: "B's" });
    expect(await secretWorks(latch.server, a.outs.clientId as string, b.outs.clientSecret as string)).toBe(true);

    // Stack A's refresh shows the new owner; its next update is refused rather than fighting B.
    const refreshed = await app.read(a.id, a.outs);
    expect(refreshed.props.managedBy).toBe(STACK_B);
    const { inputs: aAgain } = await app.check(refreshed.props, {
      ...base,
      description: "A again",
      managedBy: STACK_A,
    });
    await expect(app.update(a.id, refreshed.props, aAgain)).rejects.toMatchObject({
      code: 2,
      details: expect.stringContaining(`adopt: the app is managed by ${STACK_B}, not ${STACK_A}`),
    });
    expect(await liveApp(a.id)).toEqual({ managedBy: STACK_B, description: "B's" });

    // B retains the app on delete: it stays, with no marker, and stack C adopts it without forcing.
    const { inputs: retained } = await app.check(b.outs, { ...bNews, adopt: "force", retainOnDelete: true });
    const bRetained = await app.update(b.id, b.outs, retained);
    expect(bRetained.retainOnDelete).toBe(true);
    await app.delete(b.id, bRetained);
    expect(await liveApp(a.id)).toEqual({ managedBy: null, description: "B's" });
    expect(await secretWorks(latch.server, a.outs.clientId as string, b.outs.clientSecret as string)).toBe(true);
    const c = await app.create(
      (await app.check({}, { ...base, description: "C's", adopt: true, managedBy: STACK_C })).inputs,
    );
    expect(await liveApp(c.id)).toEqual({ managedBy: STACK_C, description: "C's" });

    // A retained resource whose app another stack took meanwhile leaves that stack's marker alone.
    await app.delete(b.id, bRetained);
    expect((await liveApp(c.id))?.managedBy).toBe(STACK_C);

    // Deleting without retain deletes the app.
    await app.delete(c.id, c.outs);
    expect(await liveApp(c.id)).toBeNull();
  });

  test("the marker is an application field the control plane validates", async () => {
    const app = resourceRpcs(host, texts, "OAuthApp");
    const created = await app.create((await app.check({}, { name: "Marked", managedBy: STACK_A })).inputs);
    const update = (managedBy: string | null) =>
      latch.admin.request<{ updateApplication: Record<string, unknown> }>(
        `mutation ($input: UpdateApplicationInput!) {
          updateApplication(input: $input) {
            __typename ... on ValidationError { field message } ... on ApplicationPayload { application { managedBy } }
          }
        }`,
        { input: { id: created.id, managedBy } },
      );
    expect((await update("x".repeat(201))).updateApplication).toEqual({
      __typename: "ValidationError",
      field: "managedBy",
      message: "managedBy must be at most 200 characters",
    });
    expect((await update("  ")).updateApplication).toEqual({
      __typename: "ApplicationPayload",
      application: { managedBy: null },
    });
    expect((await app.check({}, { name: "Marked", managedBy: "x".repeat(201) })).failures).toEqual([
      { property: "managedBy", reason: expect.stringContaining("200") },
    ]);
    await app.delete(created.id, created.outs);
  });
});
