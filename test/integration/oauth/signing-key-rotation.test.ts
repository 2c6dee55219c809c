import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMasterKeys } from "../../../server/crypto/master-key.ts";
import { SigningKey } from "../../../server/db/entities/index.ts";
import { rotateSigningKey } from "../../../server/services/rotate-signing-key.ts";
import { postAsClient } from "../../support/oauth-client.ts";
import { createApp, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

const run = promisify(execFile);
let server: TestServer;
let app: TestApp;

beforeAll(async () => {
  server = await startTestServer();
  app = await createApp(server.orm, (await createUser(server.orm)).organizationId, { accessTokenTtl: 7200 });
});
afterAll(() => server?.stop());

const post = (route: string, form: Record<string, string>) =>
  postAsClient(server.url, route, app, form).then((r) => r.body);
const jwks = async () =>
  ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys;

describe("signing key rotation", () => {
  it("keeps the previous key in the JWKS, so tokens it signed stay valid, and signs new tokens with the new key", async () => {
    const before = await post("/oauth2/token", { grant_type: "client_credentials" });
    const oldKid = decodeProtectedHeader(before.access_token).kid!;
    expect((await jwks()).map((k) => k.kid)).toEqual([oldKid]);

    const result = await latchCli("rotate-signing-key");
    expect(result.stdout).toMatch(/Active signing key is now \S+\./);
    const keys = await jwks();
    expect(keys).toHaveLength(2);
    expect(keys.map((k) => k.kid)).toContain(oldKid);

    const retired = await server.orm.em.fork().findOneOrFail(SigningKey, { kid: oldKid });
    expect(retired.status).toBe("retired");
    // Retained for the longest access token lifetime of any app: this database's only app issues 7200 s tokens.
    expect(retired.expiresAt!.getTime() - retired.retiredAt!.getTime()).toBe(7200 * 1000);
    expect((await post("/oauth2/introspect", { token: before.access_token })).active).toBe(true);
  });

  it("lets exactly one of several simultaneous rotations win, leaving one active key", async () => {
    const keyring = parseMasterKeys(server.env.LATCH_MASTER_KEY!);
    const now = new Date();
    const olderThan = new Date(now.getTime() + 1000);
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => rotateSigningKey(server.orm.em, keyring, { olderThan }, now)),
    );
    const failures = results
      .filter((r) => r.status === "rejected")
      .map((r) => String((r as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    expect(await server.orm.em.fork().count(SigningKey, { status: "active", algorithm: "ES256" })).toBe(1);
  });

  it("does not rotate a key younger than the schedule's age", async () => {
    const keyring = parseMasterKeys(server.env.LATCH_MASTER_KEY!);
    const result = await rotateSigningKey(
      server.orm.em,
      keyring,
      { olderThan: new Date(Date.now() - 86_400_000) },
      new Date(),
    );
    expect(result).toBeNull();
  });
});

async function latchCli(...args: string[]) {
  return run(process.execPath, ["server/cli.ts", ...args], {
    cwd: path.resolve(import.meta.dirname, "../../.."),
    env: { ...process.env, ...server.env, LOG_LEVEL: "silent" },
  });
}
