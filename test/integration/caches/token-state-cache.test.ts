import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeApplicationGrants } from "../../../server/services/grants/revoke-application-grants.ts";
import { postAsClient } from "../../support/oauth-client.ts";
import {
  authorizeInBrowser,
  createApp,
  createUser,
  REDIRECT,
  type TestApp,
  type TestUser,
} from "../../support/oauth-fixtures.ts";
import { type CountedServer, type StatementCounter, startCountedServer } from "../../support/pg-statement-counter.ts";
import { type ProxiedReplica, startProxiedReplica } from "../../support/proxied-replica.ts";
import type { TestDatabase } from "../../support/test-database.ts";
import type { TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

/**
 * Introspection and `/users/@me` answer a warm token from the token-state cache, without SQL. Every change that
 * could make it inactive, or change what it answers, must still apply: at once when this process makes it (the
 * revoke endpoint, the services), within a second when another process does (NOTIFY from the database's triggers),
 * and a lost LISTEN connection empties the cache.
 */
let counted: CountedServer;
let database: TestDatabase;
let counter: StatementCounter;
let server: TestServer;
let organizationId: string;
let user: TestUser;
/** The resource server that introspects (a confidential client of the same organization, marked a resource server). */
let resourceServer: TestApp;
/** Another replica or an operator's psql: its changes bypass this process entirely. */
let outside: pg.Client;

beforeAll(async () => {
  counted = await startCountedServer({ worker: false });
  ({ server, counter, database } = counted);
  ({ user, organizationId } = await createUser(server.orm));
  resourceServer = await createApp(server.orm, organizationId, {
    grantTypes: ["client_credentials"],
    isResourceServer: true,
  });
  outside = new pg.Client({ connectionString: database.url });
  await outside.connect();
});

afterAll(async () => {
  await outside?.end();
  await counted?.stop();
});

/** One signed-in browser per server (signing in for every token would meet the login rate limit). */
const agents = new Map<string, UserAgent>();

/** A user's token set from the real code flow, for a new app of `format`. */
async function userTokens(format: "jwt" | "opaque" = "opaque", base = server.url, orm = server.orm) {
  const app = await createApp(orm, organizationId, { accessTokenFormat: format });
  const agent = agents.get(base) ?? new UserAgent(base);
  agents.set(base, agent);
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify", state: "s" })}`;
  const code = (await authorizeInBrowser(agent, user, url)).searchParams.get("code")!;
  const response = await postAsClient(base, "/oauth2/token", app, {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
  });
  expect(response.status).toBe(200);
  return { app, accessToken: response.body.access_token as string };
}

const introspect = async (token: string, base = server.url) =>
  (await postAsClient(base, "/oauth2/introspect", resourceServer, { token })).body;

async function me(token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/api/v1/users/@me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Reads twice with a pause between, so the NOTIFY of the token's own creation cannot empty the cache after it. */
async function warm(read: () => Promise<unknown>): Promise<void> {
  await read();
  await new Promise((resolve) => setTimeout(resolve, 100));
  await read();
}

describe("the token-state cache", () => {
  it("introspects a warm opaque token and answers /@me for a warm JWT without a single SQL statement", async () => {
    const opaque = await userTokens("opaque");
    const jwt = await userTokens("jwt");
    await warm(() => introspect(opaque.accessToken));
    await warm(() => me(jwt.accessToken));
    await server.flushUsage();
    counter.reset();
    for (let i = 0; i < 10; i++) {
      expect(await introspect(opaque.accessToken)).toMatchObject({ active: true, sub: user.id });
      expect((await me(jwt.accessToken)).body).toMatchObject({ id: user.id });
    }
    expect(counter.count()).toBe(0);
  });

  it("serves what it cached until a change is reported: a change NOTIFY does not carry is not seen", async () => {
    const { accessToken } = await userTokens("opaque");
    await warm(() => introspect(accessToken));
    // With triggers off for this session (as a restore tool may run), the change reaches no process.
    await outside.query("begin");
    await outside.query("set local session_replication_role = replica");
    await outside.query("update access_tokens set revoked_at = now() where user_id = $1 and revoked_at is null", [
      user.id,
    ]);
    await outside.query("commit");
    expect(await introspect(accessToken)).toMatchObject({ active: true });
    await outside.query(`notify latch_token_state`);
    await expect.poll(() => introspect(accessToken), { timeout: 1000, interval: 20 }).toEqual({ active: false });
  });

  it("a token revoked at the revoke endpoint is inactive at once", async () => {
    const { app, accessToken } = await userTokens("opaque");
    await warm(() => introspect(accessToken));
    expect((await postAsClient(server.url, "/oauth2/revoke", app, { token: accessToken })).status).toBe(200);
    expect(await introspect(accessToken)).toEqual({ active: false });
  });

  it("revoking every grant of the app (plain SQL, this process) cuts a warm JWT off at once", async () => {
    const { app, accessToken } = await userTokens("jwt");
    await warm(() => me(accessToken));
    await revokeApplicationGrants(
      server.orm.em,
      server.runtime,
      { applicationId: app.id, organizationId, actor: { type: "system" } },
      new Date(),
    );
    expect((await me(accessToken)).status).toBe(401);
  });

  it("a revocation, a disabled app or a profile change by another process applies within a second", async () => {
    const revoked = await userTokens("opaque");
    const disabled = await userTokens("jwt");
    const renamed = await userTokens("jwt");
    await warm(() => introspect(revoked.accessToken));
    await warm(() => me(disabled.accessToken));
    await warm(() => me(renamed.accessToken));
    await outside.query("update access_tokens set revoked_at = now() where token_hash is not null and user_id = $1", [
      user.id,
    ]);
    await outside.query("update applications set is_active = false where id = $1", [disabled.app.id]);
    await outside.query("update users set display_name = 'Renamed elsewhere' where id = $1", [user.id]);
    await expect
      .poll(() => introspect(revoked.accessToken), { timeout: 1000, interval: 20 })
      .toEqual({ active: false });
    await expect.poll(async () => (await me(disabled.accessToken)).status, { timeout: 1000, interval: 20 }).toBe(401);
    await expect
      .poll(async () => (await me(renamed.accessToken)).body.username, { timeout: 1000, interval: 20 })
      .toBe("Renamed elsewhere");
  });

  it("issuing tokens and last-login bookkeeping notify nothing (they would empty the cache on every request)", async () => {
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    let notified = 0;
    listener.on("notification", () => notified++);
    try {
      await listener.query("listen latch_token_state");
      await userTokens("opaque");
      await outside.query("update users set last_login_at = now() where id = $1", [user.id]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(notified).toBe(0);
      // Statement-level: an update is reported even when it matched no row, once.
      await outside.query("update grants set revoked_at = now() where id = '00000000-0000-0000-0000-000000000000'");
      await expect.poll(() => notified, { timeout: 1000 }).toBe(1);
    } finally {
      await listener.end();
    }
  });
});

describe("when the token-state LISTEN connection is lost", () => {
  let replica: ProxiedReplica;
  beforeAll(async () => {
    replica = await startProxiedReplica(database, server.env.LATCH_MASTER_KEY!);
  });
  afterAll(() => replica?.stop());

  it("empties the cache, so a revocation missed meanwhile is not served stale", async () => {
    const { accessToken } = await userTokens("opaque", replica.server.url, replica.server.orm);
    await warm(() => introspect(accessToken, replica.server.url));
    expect(await introspect(accessToken, replica.server.url)).toMatchObject({ active: true });
    await replica.proxy.cut();
    await expect
      .poll(
        async () =>
          (await postAsClient(replica.server.url, "/oauth2/introspect", resourceServer, { token: accessToken })).status,
        {
          timeout: 5000,
          interval: 50,
        },
      )
      .toBe(503);
    await outside.query("update access_tokens set revoked_at = now() where user_id = $1", [user.id]);
    await replica.proxy.restore();
    await expect
      .poll(() => introspect(accessToken, replica.server.url), { timeout: 15_000, interval: 100 })
      .toEqual({ active: false });
  });
});
