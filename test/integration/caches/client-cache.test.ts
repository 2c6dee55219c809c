import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSecret } from "../../../server/db/entities/index.ts";
import { setApplicationActive } from "../../../server/services/applications/set-application-active.ts";
import { revokeClientSecret } from "../../../server/services/client-secrets/revoke-client-secret.ts";
import { rotateClientSecret } from "../../../server/services/client-secrets/rotate-client-secret.ts";
import { postAsClient } from "../../support/oauth-client.ts";
import { createApp, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { type CountedServer, type StatementCounter, startCountedServer } from "../../support/pg-statement-counter.ts";
import { type ProxiedReplica, startProxiedReplica } from "../../support/proxied-replica.ts";
import type { TestDatabase } from "../../support/test-database.ts";
import type { TestServer } from "../../support/test-server.ts";

/**
 * The token endpoint authenticates warm clients from a cache of verified client records, without SQL. Every change
 * to an app or its secrets must still take effect within a second: changes committed by this process drop the
 * entry at commit, changes by any other process (another replica, a psql session) arrive by LISTEN/NOTIFY, and a
 * lost LISTEN connection empties the cache.
 */
let counted: CountedServer;
let database: TestDatabase;
let counter: StatementCounter;
let server: TestServer;
let organizationId: string;
/** A second connection, like another replica or an operator's psql: its changes bypass this process entirely. */
let outside: pg.Client;

beforeAll(async () => {
  counted = await startCountedServer({ worker: true });
  ({ server, counter, database } = counted);
  ({ organizationId } = await createUser(server.orm));
  outside = new pg.Client({ connectionString: database.url });
  await outside.connect();
});

afterAll(async () => {
  await outside?.end();
  await counted?.stop();
});

const clientCredentials = (app: TestApp) =>
  postAsClient(server.url, "/oauth2/token", app, { grant_type: "client_credentials" });

async function serviceApp(): Promise<TestApp> {
  return createApp(server.orm, organizationId, { grantTypes: ["client_credentials"] });
}

/** Polls the token endpoint until it answers `status`; fails after `withinMs`. Returns how long it took. */
async function expectStatusWithin(app: TestApp, status: number, withinMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const response = await clientCredentials(app);
    if (response.status === status) return Date.now() - started;
    if (Date.now() - started > withinMs) {
      throw new Error(`still ${response.status} after ${withinMs} ms: ${JSON.stringify(response.body)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the client cache", () => {
  it("authenticates a warm client without a single SQL statement", async () => {
    const app = await serviceApp();
    expect((await clientCredentials(app)).status).toBe(200);
    // The NOTIFY of the app's own creation may land while the first request loads it (which then is not cached, as
    // the load may have raced a change): let it arrive, and warm the cache again.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await clientCredentials(app)).status).toBe(200);
    await server.flushUsage();
    counter.reset();
    for (let i = 0; i < 20; i++) expect((await clientCredentials(app)).status).toBe(200);
    // JWT access token, client from the cache, usage counted in memory: nothing reached PostgreSQL.
    expect(counter.count()).toBe(0);
  });

  it("revoking a secret through the service refuses it at once", async () => {
    const app = await serviceApp();
    expect((await clientCredentials(app)).status).toBe(200);
    const secret = await server.orm.em.fork().findOneOrFail(ClientSecret, { application: app.id });
    await revokeClientSecret(
      server.orm.em,
      { clientSecretId: secret.id, organizationId, actor: { type: "system" } },
      new Date(),
    );
    expect(await expectStatusWithin(app, 401, 1000)).toBeLessThan(1000);
  });

  it("disabling an app through the service refuses its client at once", async () => {
    const app = await serviceApp();
    expect((await clientCredentials(app)).status).toBe(200);
    await setApplicationActive(
      server.orm.em,
      { applicationId: app.id, organizationId, active: false, actor: { type: "system" } },
      new Date(),
    );
    expect(await expectStatusWithin(app, 401, 1000)).toBeLessThan(1000);
  });

  it("a rotated secret works at once, and the old one keeps working through its overlap", async () => {
    const app = await serviceApp();
    expect((await clientCredentials(app)).status).toBe(200);
    const { plaintext } = await rotateClientSecret(
      server.orm.em,
      { applicationId: app.id, organizationId, overlapSeconds: 3600, actor: { type: "system" } },
      new Date(),
    );
    expect((await clientCredentials({ ...app, clientSecret: plaintext })).status).toBe(200);
    expect((await clientCredentials(app)).status).toBe(200);
  });

  it("a secret revoked by another process (NOTIFY) is refused within a second", async () => {
    const app = await serviceApp();
    expect((await clientCredentials(app)).status).toBe(200);
    await outside.query("update client_secrets set revoked_at = now() where application_id = $1", [app.id]);
    expect(await expectStatusWithin(app, 401, 1000)).toBeLessThan(1000);
  });

  it("an app disabled or deleted by another process (NOTIFY) is refused within a second", async () => {
    const disabled = await serviceApp();
    const deleted = await serviceApp();
    for (const app of [disabled, deleted]) expect((await clientCredentials(app)).status).toBe(200);
    await outside.query("update applications set is_active = false where id = $1", [disabled.id]);
    await outside.query("delete from applications where id = $1", [deleted.id]);
    expect(await expectStatusWithin(disabled, 401, 1000)).toBeLessThan(1000);
    expect(await expectStatusWithin(deleted, 401, 1000)).toBeLessThan(1000);
  });

  it("last_used_at bookkeeping does not notify (it would empty the cache once a minute per client)", async () => {
    const app = await serviceApp();
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const payloads: string[] = [];
    listener.on("notification", (message) => payloads.push(message.payload ?? ""));
    await listener.query("listen latch_clients");
    await outside.query("update client_secrets set last_used_at = now() where application_id = $1", [app.id]);
    await outside.query("update client_secrets set revoked_at = now() where application_id = $1", [app.id]);
    await expect.poll(() => payloads.length, { timeout: 1000 }).toBeGreaterThan(0);
    expect(payloads).toEqual([app.id]);
    await listener.end();
  });
});

describe("when the LISTEN connection is lost", () => {
  let replica: ProxiedReplica;
  beforeAll(async () => {
    replica = await startProxiedReplica(database, server.env.LATCH_MASTER_KEY!);
  });
  afterAll(() => replica?.stop());

  it("empties the cache, so a change missed meanwhile cannot be served stale", async () => {
    const app = await createApp(replica.server.orm, organizationId, { grantTypes: ["client_credentials"] });
    const token = () => postAsClient(replica.server.url, "/oauth2/token", app, { grant_type: "client_credentials" });
    expect((await token()).status).toBe(200);
    await replica.proxy.cut();
    // Cut off from changes, the server stops trusting its cache: it asks the database, which is unreachable.
    await expect.poll(async () => (await token()).status, { timeout: 5000, interval: 50 }).toBe(503);
    // Revoked while this server cannot hear about it.
    await outside.query("update client_secrets set revoked_at = now() where application_id = $1", [app.id]);
    await replica.proxy.restore();
    await expect.poll(async () => (await token()).status, { timeout: 15_000, interval: 100 }).toBe(401);
  });
});
