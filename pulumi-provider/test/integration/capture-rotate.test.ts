import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type CaptureIo, runCapture } from "../../src/cli/capture.ts";
import { captureSecret, readConfigValue } from "../../src/stack-secrets/stack-file.ts";
import { type LatchFixture, secretWorks, startLatchFixture } from "../support/latch.ts";

let latch: LatchFixture;
let dir: string;
let app: { clientId: string; clientSecret: string };

beforeAll(async () => {
  latch = await startLatchFixture();
  dir = await mkdtemp(path.join(tmpdir(), "latch-capture-"));
  await writeFile(path.join(dir, "Pulumi.yaml"), "name: infra\nruntime: nodejs\n");
  const created = await latch.admin.request<{
    createApplication: { clientSecret: string; application: { clientId: string } };
  }>(
    `mutation { createApplication(input: { name: "Captured", type: CONFIDENTIAL, grantTypes: ["client_credentials"] }) {
      ... on CreateApplicationPayload { clientSecret application { clientId } } } }`,
  );
  app = {
    clientId: created.createApplication.application.clientId,
    clientSecret: created.createApplication.clientSecret,
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await latch?.stop();
});

function io(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CaptureIo = {
    env,
    cwd: dir,
    stdin: Readable.from([]),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  return { io: value, out, err };
}

describe("latch-pulumi capture --app --rotate", () => {
  test("rotates through the API (endpoint and key from the environment) and captures the new secret", async () => {
    const run = io({ PULUMI_CONFIG_PASSPHRASE: "pw", LATCH_ENDPOINT: latch.server.url, LATCH_API_KEY: latch.apiKey });
    const code = await runCapture(
      ["--stack", "dev", "--key", "clientSecret", "--app", app.clientId, "--rotate", "--overlap", "1h"],
      run.io,
    );
    expect(run.err.join("")).toBe("");
    expect(code).toBe(0);
    const captured = await readConfigValue({ dir, stack: "dev", key: "clientSecret", passphrase: "pw" });
    expect(captured).toMatch(/^latch_cs_/);
    expect(run.out.join("")).not.toContain(captured!);
    expect(await secretWorks(latch.server, app.clientId, captured!)).toBe(true);
    // The app's secret captured elsewhere (or a ClientSecret resource's) is not this key's: untouched.
    expect(await secretWorks(latch.server, app.clientId, app.clientSecret)).toBe(true);

    // Captured again under the same key: that secret alone is rotated (here with no overlap).
    const again = io({ PULUMI_CONFIG_PASSPHRASE: "pw", LATCH_ENDPOINT: latch.server.url, LATCH_API_KEY: latch.apiKey });
    const argv = ["--stack", "dev", "--key", "clientSecret", "--app", app.clientId, "--rotate", "--overlap", "0"];
    expect(await runCapture(argv, again.io)).toBe(0);
    const recaptured = await readConfigValue({ dir, stack: "dev", key: "clientSecret", passphrase: "pw" });
    expect(recaptured).not.toBe(captured);
    expect(await secretWorks(latch.server, app.clientId, recaptured!)).toBe(true);
    expect(await secretWorks(latch.server, app.clientId, captured!)).toBe(false);
    expect(await secretWorks(latch.server, app.clientId, app.clientSecret)).toBe(true);
  });

  test("reads latch:endpoint and the secret latch:apiKey from the stack when the environment has none", async () => {
    await captureSecret({ dir, stack: "prod", key: "latch:apiKey", value: latch.apiKey, passphrase: "pw" });
    const file = path.join(dir, "Pulumi.prod.yaml");
    await writeFile(file, `${await readFile(file, "utf8")}  latch:endpoint: ${latch.server.url}\n`);
    const run = io({ PULUMI_CONFIG_PASSPHRASE: "pw" });
    expect(await runCapture(["--stack", "prod", "--key", "appSecret", "--app", app.clientId, "--rotate"], run.io)).toBe(
      0,
    );
    const captured = await readConfigValue({ dir, stack: "prod", key: "appSecret", passphrase: "pw" });
    expect(await secretWorks(latch.server, app.clientId, captured!)).toBe(true);
  });

  test("a wrong passphrase fails before anything is rotated; an unknown app fails clearly", async () => {
    const before = await readFile(path.join(dir, "Pulumi.dev.yaml"), "utf8");
    const wrong = io({
      PULUMI_CONFIG_PASSPHRASE: "nope",
      LATCH_ENDPOINT: latch.server.url,
      LATCH_API_KEY: latch.apiKey,
    });
    expect(
      await runCapture(["--stack", "dev", "--key", "clientSecret", "--app", app.clientId, "--rotate"], wrong.io),
    ).toBe(1);
    expect(wrong.err.join("")).toMatch(/incorrect passphrase/);
    expect(await readFile(path.join(dir, "Pulumi.dev.yaml"), "utf8")).toBe(before);
    const secrets = await latch.admin.request<{ application: { clientSecrets: unknown[] } }>(
      "query ($clientId: String!) { application(clientId: $clientId) { clientSecrets { id } } }",
      { clientId: app.clientId },
    );
    expect(secrets.application.clientSecrets).toHaveLength(4); // initial + three captures above, none from this run

    const unknown = io({
      PULUMI_CONFIG_PASSPHRASE: "pw",
      LATCH_ENDPOINT: latch.server.url,
      LATCH_API_KEY: latch.apiKey,
    });
    expect(await runCapture(["--stack", "dev", "--key", "x", "--app", "latch_ci_nope", "--rotate"], unknown.io)).toBe(
      1,
    );
    expect(unknown.err.join("")).toMatch(/no app with client id latch_ci_nope/);
  });
});
