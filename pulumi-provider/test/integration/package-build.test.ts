import { execFile } from "node:child_process";
import { lstat, mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LatchFixture, startLatchFixture } from "../support/latch.ts";

const run = promisify(execFile);
const PACKAGE = path.resolve(import.meta.dirname, "../..");
const ROOT = path.resolve(PACKAGE, "..");
let work: string;
let consumer: string;
let tarball: string;
let latch: LatchFixture;
let legacy: { id: string; clientId: string };
/** The commands run in the project, started together once it is installed (each test awaits one). */
let exportsRun: Promise<{ stdout: string }>;
let typecheck: Promise<string>;
let programRun: Promise<{ stdout: string }>;

const RESOURCES = ["ClientSecret", "IdentityProvider", "OAuthApp", "Provider", "Scope", "Webhook"];
const LOOKUPS = ["getOAuthApp", "getOAuthAppOutput", "getScope", "getScopeOutput", "getWebhook", "getWebhookOutput"];

/** Uses of the lookups' declarations; each `@ts-expect-error` fails the check if the types let it through. */
const TYPES_TS = `import * as pulumi from "@pulumi/pulumi";
import { getOAuthApp, getOAuthAppOutput, getScope, getWebhookOutput, type GetOAuthAppResult } from "@latch/pulumi";
export async function lookups(): Promise<string> {
  const app: GetOAuthAppResult = await getOAuthApp({ name: "Legacy Portal" });
  const scope = await getScope({ name: "billing:read" });
  const hook: pulumi.Output<string | null> = getWebhookOutput({ url: "https://hooks.example/x", app: null }).app;
  const byId: pulumi.Output<string> = getOAuthAppOutput({ clientId: pulumi.output("latch_ci_x") }).id;
  // @ts-expect-error a lookup result has no client secret
  app.clientSecret;
  // @ts-expect-error clientId is a string
  await getOAuthApp({ clientId: 42 });
  // @ts-expect-error one of clientId and name, not both
  await getOAuthApp({ clientId: "a", name: "b" });
  // @ts-expect-error the Promise form takes plain values
  await getScope({ name: pulumi.output("x") });
  void hook; void byId;
  return app.clientId + scope.description;
}
`;

/** Runs a program under the SDK's mocks (the engine's part), printing what it registered and two outputs. */
const RUN_MJS = `import * as pulumi from "@pulumi/pulumi";
const registered = [];
await pulumi.runtime.setMocks({
  newResource(args) {
    registered.push({ resource: args.type.split(":").pop() + "/" + args.name, app: args.inputs.app ?? null });
    const minted = args.type.endsWith(":OAuthApp") ? { clientId: "latch_ci_" + args.name, clientSecret: "latch_cs_x" } : { secret: "s3cret" };
    return { id: args.name + "-id", state: { ...args.inputs, ...minted } };
  },
  call: (args) => args.inputs,
}, "infra", "dev", false);
const program = await import("./index.ts");
const value = (output) => new Promise((resolve) => output.apply(resolve));
const legacyAppClientId = await value(program.legacyAppClientId);
const dashboardClientId = await value(program.dashboardClientId);
await new Promise((resolve) => setTimeout(resolve, 200));
console.log(JSON.stringify({ registered, legacyAppClientId, dashboardClientId}));
`;

/** The example program as an infrastructure repo would write it: importing the package by name. */
async function exampleProgram(): Promise<string> {
  const source = await readFile(path.join(PACKAGE, "examples", "index.ts"), "utf8");
  expect(source).toContain('from "../src/index.ts"');
  return source.replace('from "../src/index.ts"', 'from "@latch/pulumi"');
}

/**
 * What a user does: `npm pack` the package (its prepack builds dist/), then `npm install` the tarball into a fresh
 * project. The registry is not asked: the package's own dependencies are this repository's node_modules, linked into
 * the project before the install (npm sees them as satisfied and installs the tarball alone, offline).
 */
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "latch-pulumi-pack-"));
  // Kept as soon as it runs, so afterAll stops it even when packing fails.
  const started = startLatchFixture().then((fixture) => {
    latch = fixture;
  });
  await run("npm", ["pack", "--pack-destination", work, "--loglevel=error"], { cwd: PACKAGE });
  const packed = (await readdir(work)).filter((name) => name.endsWith(".tgz"));
  expect(packed).toEqual(["latch-pulumi-0.1.0.tgz"]);
  tarball = path.join(work, packed[0]!);

  consumer = path.join(work, "infra");
  await mkdir(path.join(consumer, "node_modules", "@pulumi"), { recursive: true });
  await writeFile(
    path.join(consumer, "package.json"),
    JSON.stringify({ name: "infra", private: true, type: "module" }),
  );
  await writeFile(path.join(consumer, "Pulumi.yaml"), "name: infra\nruntime: nodejs\n");
  for (const dependency of ["@pulumi/pulumi", "yaml"]) {
    await symlink(path.join(ROOT, "node_modules", dependency), path.join(consumer, "node_modules", dependency));
  }
  await run(
    "npm",
    ["install", tarball, "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
    {
      cwd: consumer,
    },
  );

  await started;
  const created = await latch.admin.request<{ createApplication: { application: { id: string; clientId: string } } }>(
    `mutation { createApplication(input: { name: "Legacy Portal", type: CONFIDENTIAL, grantTypes: ["client_credentials"] }) {
      ... on CreateApplicationPayload { application { id clientId } } } }`,
  );
  legacy = created.createApplication.application;

  await writeFile(
    path.join(consumer, "exports.mjs"),
    'const m = await import("@latch/pulumi"); console.log(JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v]))));\n',
  );
  await writeFile(path.join(consumer, "index.ts"), await exampleProgram());
  await writeFile(path.join(consumer, "types.ts"), TYPES_TS);
  await writeFile(path.join(consumer, "run.mjs"), RUN_MJS);
  await writeFile(
    path.join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      files: ["index.ts", "types.ts"],
    }),
  );
  exportsRun = run(process.execPath, ["exports.mjs"], { cwd: consumer });
  typecheck = run(path.join(ROOT, "node_modules", ".bin", "tsc"), ["-p", consumer], { cwd: consumer }).then(
    () => "",
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  programRun = run(process.execPath, ["run.mjs"], {
    cwd: consumer,
    env: {
      PATH: process.env.PATH ?? "",
      // The stack's config as the engine hands it to a program.
      PULUMI_CONFIG: JSON.stringify({
        "infra:legacyAppName": "Legacy Portal",
        "latch:endpoint": latch.server.url,
        "latch:apiKey": latch.apiKey,
      }),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(["latch:apiKey"]),
    },
  });
  // Awaited by the tests; a failure is theirs to report.
  for (const pending of [exportsRun, programRun]) pending.catch(() => undefined);
}, 120_000);

afterAll(async () => {
  await latch?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the package as `npm pack` ships it, installed by npm into a fresh project", () => {
  it("the tarball holds the compiled JavaScript and its declarations, no sources or tests", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball]);
    const files = stdout.trim().split("\n");
    for (const file of [
      "package/package.json",
      "package/README.md",
      "package/dist/src/index.js",
      "package/dist/src/index.d.ts",
      "package/dist/src/functions/get-oauth-app.d.ts",
      "package/dist/src/functions/get-scope.d.ts",
      "package/dist/src/functions/get-webhook.d.ts",
      "package/dist/bin/latch-pulumi.js",
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((file) => /\/(test|examples)\//.test(file))).toEqual([]);
    // npm installed it (a copy, not a link to this repository), and recorded the tarball as the dependency.
    const installed = path.join(consumer, "node_modules", "@latch", "pulumi");
    expect((await lstat(installed)).isSymbolicLink()).toBe(false);
    expect(JSON.parse(await readFile(path.join(consumer, "package.json"), "utf8")).dependencies).toEqual({
      "@latch/pulumi": expect.stringMatching(/^file:.*latch-pulumi-0\.1\.0\.tgz$/),
    });
  });

  it("imported by name, it exports the resources and the lookups", async () => {
    const { stdout } = await exportsRun;
    const exported = JSON.parse(stdout) as Record<string, string>;
    for (const name of [...RESOURCES, ...LOOKUPS]) expect(exported[name], name).toBe("function");
  });

  it("its declarations type-check the example program and reject a wrong call", async () => {
    const result = await typecheck;
    expect(result).toBe("");
  });

  it("runs the example program there under the SDK's runtime, its lookup reading a live Latch", async () => {
    const { stdout } = await programRun;
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(result.registered.map((entry: { resource: string }) => entry.resource).sort()).toEqual([
      "ClientSecret/reporting",
      "OAuthApp/dashboard",
      "OAuthApp/mobile",
      "Scope/billing-read",
      "Webhook/grants",
      "Webhook/legacy-grants",
    ]);
    expect(result.registered).toContainEqual({ resource: "Webhook/legacy-grants", app: legacy.id });
    expect(result.legacyAppClientId).toBe(legacy.clientId);
    expect(result.dashboardClientId).toBe("latch_ci_dashboard");
  });

  it("runs the latch-pulumi bin npm linked and captures a secret", async () => {
    const bin = path.join(consumer, "node_modules", ".bin", "latch-pulumi");
    expect(await realpath(bin)).toBe(
      path.join(await realpath(consumer), "node_modules", "@latch", "pulumi", "dist", "bin", "latch-pulumi.js"),
    );
    const child = execFile(
      process.execPath,
      [bin, "capture", "--stack", "dev", "--key", "clientSecret", "--from-stdin"],
      {
        cwd: consumer,
        env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: "correct horse" },
      },
    );
    child.stdin!.end("latch_cs_example\n");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    const stack = await readFile(path.join(consumer, "Pulumi.dev.yaml"), "utf8");
    expect(stack).toMatch(/encryptionsalt: v1:/);
    expect(stack).toMatch(/infra:clientSecret:\n\s+secure: v1:/);
    expect(stack).not.toContain("latch_cs_example");
  });
});
