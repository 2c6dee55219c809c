import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openString, seal, sealedKeyId } from "../../../server/crypto/envelope.ts";
import { generateMasterKey, type MasterKeyring, parseMasterKeys } from "../../../server/crypto/master-key.ts";
import {
  identityProviderSecretAad,
  integrationPasswordAad,
  integrationSecretAad,
  signingKeyAad,
  webhookSecretAad,
} from "../../../server/crypto/secret-aad.ts";
import { sealedColumns } from "../../../server/db/sealed-columns.ts";
import { rotateMasterKey } from "../../../server/services/master-key/rotate-master-key.ts";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { addIdentityProvider } from "../../support/identity-providers.ts";
import { insertIntegration } from "../../support/integration-fixtures.ts";
import { token } from "../../support/oauth-client.ts";
import { createApp, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../../..");
const OLD = `old:${generateMasterKey()}`;
const NEW = `new:${generateMasterKey()}`;

let database: TestDatabase;
let server: TestServer;
let app: TestApp;
let organizationId: string;
/** Each sealed value the set-up stored, with the AAD and plaintext it must still open to. */
const stored: { table: string; column: string; id: string; aad: string; plaintext: string }[] = [];

async function latch(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["server/cli.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...server.env, LOG_LEVEL: "silent", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Every sealed value in the database, with the master key id it is wrapped under. */
async function sealedKeyIds(): Promise<string[]> {
  const em = server.orm.em.fork();
  const ids: string[] = [];
  for (const column of sealedColumns(em)) {
    const rows: { v: string }[] = await em.execute(
      `select "${column.column}" as v from "${column.table}" where "${column.column}" is not null`,
    );
    ids.push(...rows.map((row) => sealedKeyId(row.v)));
  }
  return ids;
}

async function openAll(keyring: MasterKeyring): Promise<void> {
  const em = server.orm.em.fork();
  for (const value of stored) {
    const key = value.table === "signing_keys" ? "kid" : "id";
    const rows: { v: string }[] = await em.execute(
      `select "${value.column}" as v from "${value.table}" where "${key}" = ?`,
      [value.id],
    );
    const opened = openString(keyring, rows[0]!.v, value.aad);
    if (value.plaintext) expect(opened).toBe(value.plaintext);
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer({ database, env: { LATCH_MASTER_KEY: OLD } });
  ({ organizationId } = await createUser(server.orm));
  const admin = controlPlane(server, await apiKeyFor(server, organizationId));
  app = await createApp(server.orm, organizationId, { name: "Rotated" });
  for (const kid of (await server.orm.em.fork().execute(`select kid from signing_keys`)) as { kid: string }[]) {
    stored.push({
      table: "signing_keys",
      column: "private_key_encrypted",
      id: kid.kid,
      aad: signingKeyAad(kid.kid),
      plaintext: "",
    });
  }
  for (let i = 0; i < 3; i++) {
    const integration = await insertIntegration(server, {
      organizationId,
      domain: `api${i}.example.com`,
      grantType: "password",
      clientId: `client-${i}`,
      clientSecret: `integration-secret-${i}`,
      tokenUrl: `https://api${i}.example.com/token`,
      username: "svc",
      password: `integration-password-${i}`,
    });
    stored.push({
      table: "integration_credentials",
      column: "client_secret_encrypted",
      id: integration.id,
      aad: integrationSecretAad(integration.id),
      plaintext: `integration-secret-${i}`,
    });
    stored.push({
      table: "integration_credentials",
      column: "password_encrypted",
      id: integration.id,
      aad: integrationPasswordAad(integration.id),
      plaintext: `integration-password-${i}`,
    });
  }
  const providerId = await addIdentityProvider(admin, app.id, {
    kind: "GITHUB",
    clientId: "gh-client",
    clientSecret: "github-client-secret",
  });
  stored.push({
    table: "identity_providers",
    column: "client_secret_encrypted",
    id: providerId,
    aad: identityProviderSecretAad(providerId),
    plaintext: "github-client-secret",
  });
  const webhook: any = await admin.request(
    `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) {
      ... on CreateWebhookPayload { secret webhook { id } } } }`,
    { input: { url: "https://hooks.example.com/latch", events: ["grant.created"] } },
  );
  const webhookId = Buffer.from(webhook.createWebhook.webhook.id, "base64").toString().split(":")[1]!;
  stored.push({
    table: "webhooks",
    column: "secret_encrypted",
    id: webhookId,
    aad: webhookSecretAad(webhookId),
    plaintext: webhook.createWebhook.secret,
  });
});
afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe("master key rotation", () => {
  it("finds every sealed column from the entities", () => {
    const columns = sealedColumns(server.orm.em.fork()).map((c) => `${c.table}.${c.column}`);
    expect(columns).toEqual(
      expect.arrayContaining([
        "connections.access_token_encrypted",
        "connections.refresh_token_encrypted",
        "identity_providers.client_secret_encrypted",
        "integration_credentials.client_secret_encrypted",
        "integration_credentials.password_encrypted",
        "signing_keys.private_key_encrypted",
        "upstream_flows.code_verifier_encrypted",
        "webhooks.previous_secret_encrypted",
        "webhooks.secret_encrypted",
      ]),
    );
  });

  it("re-wraps every value under the new key, resumes after an interruption, and then needs no old key", async () => {
    expect(new Set(await sealedKeyIds())).toEqual(new Set(["old"]));
    const total = (await sealedKeyIds()).length;
    expect(total).toBeGreaterThanOrEqual(stored.length);

    // An interrupted run: three values moved, the rest still under the old key, and everything still opens.
    const both = parseMasterKeys(`${NEW},${OLD}`);
    const partial = await rotateMasterKey(server.orm.em.fork(), both, { batchSize: 2, maxRows: 3 });
    expect(partial.interrupted).toBe(true);
    const midway = await sealedKeyIds();
    expect(midway.filter((id) => id === "new")).toHaveLength(3);
    expect(midway.filter((id) => id === "old")).toHaveLength(total - 3);
    await openAll(both);

    // The operator runs the command to the end, with the new key first.
    const result = await latch({ LATCH_MASTER_KEY: `${NEW},${OLD}` }, "rotate-master-key", "--batch-size", "2");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Every encrypted value is under master key "new". Keys no longer needed: old.`);
    expect(result.stdout).toMatch(/webhooks\.secret_encrypted: 1 re-wrapped/);
    expect(new Set(await sealedKeyIds())).toEqual(new Set(["new"]));

    // The old key is gone from the ring: every secret still opens to what was stored, and a new server signs.
    await openAll(parseMasterKeys(NEW));
    const again = await latch({ LATCH_MASTER_KEY: NEW }, "rotate-master-key");
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/[1-9]\d* re-wrapped/);

    await server.stop();
    server = await startTestServer({ database, env: { LATCH_MASTER_KEY: NEW } });
    const issued = await token(server, app, { grant_type: "client_credentials" });
    expect(issued.status).toBe(200);
  });

  it("reports a value under a key the ring lacks, exits non-zero and moves the rest", async () => {
    const stranger = parseMasterKeys(`stranger:${generateMasterKey()}`);
    const em = server.orm.em.fork();
    await em.execute(`update webhooks set previous_secret_encrypted = ? where id = ?`, [
      seal(stranger, "x", "y"),
      stored.find((value) => value.table === "webhooks")!.id,
    ]);
    const result = await latch({ LATCH_MASTER_KEY: `${NEW}` }, "rotate-master-key");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/webhooks\.previous_secret_encrypted: 0 re-wrapped, 1 FAILED/);
    expect(result.stderr).toMatch(/1 value\(s\) could not be re-wrapped/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a bad batch size", async () => {
    const result = await latch({}, "rotate-master-key", "--batch-size", "0");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--batch-size must be an integer/);
  });
});
