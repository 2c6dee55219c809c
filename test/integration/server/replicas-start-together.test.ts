import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { generateMasterKey } from "../../../server/crypto/master-key.ts";
import { findFreePort } from "../../../server/db/embedded-postgres.ts";
import { databaseUrl, withAdminClient } from "../../support/admin-client.ts";
import "../../support/provided-context.ts";

// Three replicas of one deployment (`node server/main.ts`, real processes) started at the same moment on a fresh,
// empty database: all of them must migrate-or-wait, bootstrap once, and answer /readyz.

const ROOT = path.resolve(import.meta.dirname, "../../..");
const adminUrl = inject("latchDbAdminUrl");
const name = `latch_replicas_${randomBytes(4).toString("hex")}`;
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(children.map(exited));
  await withAdminClient(adminUrl, (c) => c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`));
});

function exited(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode ?? child.exitCode);
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
}

describe("replicas started together on a fresh database", () => {
  it("all come up: migrations and the first-run bootstrap run one replica at a time", async () => {
    await withAdminClient(adminUrl, (c) => c.query(`create database ${pg.escapeIdentifier(name)}`));
    const url = databaseUrl(adminUrl, name);
    const masterKey = generateMasterKey();
    const ports = [await findFreePort(), await findFreePort(), await findFreePort()];
    const output: string[] = ["", "", ""];
    ports.forEach((port, i) => {
      const child = spawn(process.execPath, [path.join(ROOT, "server/main.ts")], {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: url,
          LATCH_MASTER_KEY: masterKey,
          PORT: String(port),
          HOST: "127.0.0.1",
          PUBLIC_URL: "http://127.0.0.1:4000",
          LATCH_RUN_WORKER: "false",
          LOG_LEVEL: "warn",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk) => (output[i] += String(chunk)));
      children.push(child);
    });

    const ready = async (port: number) => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
      return response?.status ?? 0;
    };
    for (const [i, port] of ports.entries()) {
      await expect
        .poll(
          async () => {
            if (children[i]!.exitCode !== null) throw new Error(`replica ${i} exited: ${output[i]}`);
            return ready(port);
          },
          { timeout: 60_000, interval: 200 },
        )
        .toBe(200);
    }
    expect(children.map((child) => child.exitCode)).toEqual([null, null, null]);
    // One bootstrap: a single organization and a single first-run banner among the three.
    const banners = output.filter((text) => text.includes("First run: created organization")).length;
    expect(banners).toBe(1);
    const organizations = await withAdminClient(url, (c) => c.query("select count(*)::int as n from organizations"));
    expect(organizations.rows[0].n).toBe(1);
  }, 90_000);
});
