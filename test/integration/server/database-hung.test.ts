import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintSecret, SECRET_PREFIXES } from "../../../server/crypto/prefixed-secret.ts";
import { isDatabaseUnavailable } from "../../../server/db/unavailable.ts";
import { postGraphQL } from "../../support/graphql.ts";
import { basicOf } from "../../support/oauth-client.ts";
import { createApp, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTcpProxy, type TcpProxy } from "../../support/tcp-proxy.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

// PostgreSQL frozen, not stopped (a hung server, a stalled network): the connections stay open and nothing answers.
// Requests must still end, fast, as a stopped database already does: 503 with Retry-After (#20 item 16).

let proxy: TcpProxy;
let database: TestDatabase;
let server: TestServer;
let apiKey: string;
let app: TestApp;

/** Well under the time a frozen request used to wait (the whole freeze). */
const BOUND_MS = 10_000;

beforeAll(async () => {
  database = await createTestDatabase();
  const target = new URL(database.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const viaProxy = new URL(database.url);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  server = await startTestServer({
    env: { DATABASE_URL: viaProxy.toString(), LATCH_RUN_WORKER: "false", LATCH_DB_CONNECT_TIMEOUT_MS: "3000" },
    database,
  });
  apiKey = server.firstRun!.apiKey;
  app = await createApp(server.orm, server.firstRun!.organizationId);
});

afterAll(async () => {
  proxy?.thaw();
  await server?.stop();
  await proxy?.close();
  await database?.drop();
});

function tokenRequest(body: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/oauth2/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: basicOf(app),
    },
    body: new URLSearchParams(body),
  });
}

/** A code redemption (of a well-formed code, checksum included) always reads the database: the code's row. */
const redeemUnknownCode = () =>
  tokenRequest({
    grant_type: "authorization_code",
    code: mintSecret(SECRET_PREFIXES.authorizationCode),
    redirect_uri: "http://127.0.0.1:8787/callback",
  });

const CREATE_APP = `mutation ($input: CreateApplicationInput!) {
  createApplication(input: $input) { __typename ... on CreateApplicationPayload { application { id } } }
}`;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function appsNamed(name: string): Promise<number> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query("select count(*)::int as n from applications where name = $1", [name]);
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}

describe("when the database hangs", () => {
  it("answers the token endpoint and /graphql with 503 and Retry-After within a bound, then recovers", async () => {
    // A slow statement is PostgreSQL's to cancel (statement_timeout); a frozen one, the client deadline's.
    const [setting] = await server.orm.em.fork().getConnection().execute("show statement_timeout");
    expect(setting?.statement_timeout).toBe("5s");
    const slow = await server.orm.em
      .fork()
      .getConnection()
      .execute("select pg_sleep(8)")
      .catch((error: unknown) => error);
    expect((slow as { code?: string }).code).toBe("57014");
    expect(isDatabaseUnavailable(slow)).toBe(true);
    // Warm: every pooled connection is open and idle when the database freezes.
    expect((await redeemUnknownCode()).status).toBe(400);
    expect((await postGraphQL(server.url, { query: "{ viewer { kind } }" }, apiKey)).status).toBe(200);

    proxy.freeze();
    const started = performance.now();
    const [tokens, queries, mutation] = await Promise.all([
      Promise.all(Array.from({ length: 15 }, () => timed(redeemUnknownCode))),
      Promise.all(
        Array.from({ length: 5 }, () =>
          timed(() => postGraphQL(server.url, { query: "{ applications(first: 5) { totalCount } }" }, apiKey)),
        ),
      ),
      timed(() =>
        postGraphQL(
          server.url,
          {
            query: CREATE_APP,
            variables: {
              input: { name: "Written while frozen", type: "CONFIDENTIAL", redirectUris: ["https://x.example/cb"] },
            },
          },
          apiKey,
        ),
      ),
    ]);
    const elapsed = performance.now() - started;

    for (const { value: response, ms } of tokens) {
      expect(ms).toBeLessThan(BOUND_MS);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(await response.json()).toMatchObject({ error: "temporarily_unavailable" });
    }
    for (const { value: response, ms } of [...queries, mutation]) {
      expect(ms).toBeLessThan(BOUND_MS);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(response.json.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
      expect(JSON.stringify(response.json)).not.toMatch(/stack|\.ts:\d+/);
    }
    expect(elapsed).toBeLessThan(BOUND_MS);

    proxy.thaw();
    await expect.poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 15_000 }).toBe(200);
    // Every pooled connection works again: none still waits on an answer from before the freeze, none holds a
    // transaction of a request that already answered 503.
    const again = await Promise.all(Array.from({ length: 12 }, redeemUnknownCode));
    expect(again.map((response) => response.status)).toEqual(Array(12).fill(400));
    const graphql = await postGraphQL(server.url, { query: "{ viewer { kind } }" }, apiKey);
    expect(graphql.json.data?.viewer.kind).toBe("API_KEY");
    const cc = await tokenRequest({ grant_type: "client_credentials", scope: "identify" });
    expect(cc.status).toBe(200);
    // Nothing half-written: the mutation that answered 503 left nothing behind.
    expect(await appsNamed("Written while frozen")).toBe(0);
  }, 90_000);
});
