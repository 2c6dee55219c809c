import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "../../support/graphql.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../../..");
let server: TestServer;

/** Runs `npm run latch -- ...` the way an operator does (node on the CLI file, the server's environment). */
async function latch(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["server/cli.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...server.env, LOG_LEVEL: "silent" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("latch CLI", () => {
  it("migrate reports an up-to-date database", async () => {
    const result = await latch("migrate");
    expect(result).toMatchObject({ code: 0, stdout: "Database is up to date.\n" });
  });

  it("create-api-key prints a key once that authenticates with the scopes asked for", async () => {
    const result = await latch("create-api-key", "--name", "deploy bot", "--scopes", "apps:read,grants:read");
    expect(result.code).toBe(0);
    const key = result.stdout.match(/latch_ak_[0-9A-Za-z]+/)?.[0];
    expect(key).toBeDefined();
    const { status, json } = await postGraphQL(server.url, { query: "{ viewer { scopes } }" }, key);
    expect(status).toBe(200);
    expect(json.data.viewer.scopes).toEqual(["apps:read", "grants:read"]);
  });

  it("explains bad input with a non-zero exit and no stack trace", async () => {
    const cases: [string[], RegExp][] = [
      [["create-api-key"], /needs --name/],
      [["create-api-key", "--name", "x", "--scopes", "root"], /unknown scope "root"/],
      [["create-api-key", "--name", "x", "--org", "nope"], /no organization with slug "nope"/],
      [["create-api-key", "--name", "x", "--expires-in-days", "0"], /positive integer/],
      [["create-api-key", "--bogus"], /Unknown option/],
      [["frobnicate"], /Unknown command "frobnicate"/],
    ];
    for (const [args, message] of cases) {
      const result = await latch(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
