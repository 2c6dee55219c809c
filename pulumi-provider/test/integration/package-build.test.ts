import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const PACKAGE = path.resolve(import.meta.dirname, "../..");
const ROOT = path.resolve(PACKAGE, "..");
let consumer: string;

/**
 * Node refuses to strip types from files under node_modules, so an infrastructure repo that installs @latch/pulumi
 * runs its compiled JavaScript: build it as `npm pack` would, lay it out as an installed package, and use it.
 */
beforeAll(async () => {
  consumer = await mkdtemp(path.join(tmpdir(), "latch-pulumi-consumer-"));
  const installed = path.join(consumer, "node_modules", "@latch", "pulumi");
  await mkdir(installed, { recursive: true });
  await run(
    path.join(ROOT, "node_modules", ".bin", "tsc"),
    ["-p", "tsconfig.build.json", "--outDir", path.join(installed, "dist")],
    {
      cwd: PACKAGE,
    },
  );
  await cp(path.join(PACKAGE, "package.json"), path.join(installed, "package.json"));
  // The package's dependencies, as npm would have installed them beside it.
  await mkdir(path.join(consumer, "node_modules", "@pulumi"), { recursive: true });
  await symlink(
    path.join(ROOT, "node_modules", "@pulumi", "pulumi"),
    path.join(consumer, "node_modules", "@pulumi", "pulumi"),
  );
  await symlink(path.join(ROOT, "node_modules", "yaml"), path.join(consumer, "node_modules", "yaml"));
}, 120_000);

afterAll(async () => {
  if (consumer) await rm(consumer, { recursive: true, force: true });
});

describe("the published package", () => {
  it("exports the resources from compiled JavaScript when imported by name", async () => {
    const script = path.join(consumer, "check.mjs");
    await writeFile(script, 'const m = await import("@latch/pulumi"); console.log(Object.keys(m).sort().join(","));\n');
    const { stdout } = await run(process.execPath, [script], { cwd: consumer });
    expect(stdout.trim().split(",")).toEqual(
      expect.arrayContaining(["ClientSecret", "IdentityProvider", "OAuthApp", "Scope", "Webhook"]),
    );
  });

  it("runs the latch-pulumi bin from node_modules and captures a secret", async () => {
    const bin = path.join(consumer, "node_modules", "@latch", "pulumi", "dist", "bin", "latch-pulumi.js");
    await writeFile(path.join(consumer, "Pulumi.yaml"), "name: infra\nruntime: nodejs\n");
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
