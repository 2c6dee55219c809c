import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "../../support/graphql.ts";
import { startTcpProxy, type TcpProxy } from "../../support/tcp-proxy.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let proxy: TcpProxy;
let database: TestDatabase;
let server: TestServer;
let apiKey: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const target = new URL(database.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const viaProxy = new URL(database.url);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  server = await startTestServer({
    env: { DATABASE_URL: viaProxy.toString(), LATCH_DB_CONNECT_TIMEOUT_MS: "3000" },
    database,
  });
  apiKey = server.firstRun!.apiKey;
});

afterAll(async () => {
  await proxy?.restore().catch(() => undefined);
  await server?.stop();
  await proxy?.close();
  await database?.drop();
});

describe("when the database goes away", () => {
  it("answers 503 with Retry-After instead of a stack trace, and recovers when it is back", async () => {
    await proxy.cut();

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("retry-after")).toBe("5");
    expect(await ready.json()).toMatchObject({ error: "database_unavailable" });

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);

    const jwks = await fetch(`${server.url}/.well-known/jwks.json`);
    expect(jwks.status).toBe(503);
    expect(jwks.headers.get("retry-after")).toBe("5");
    expect(await jwks.json()).toMatchObject({ error: "temporarily_unavailable" });

    const graphql = await postGraphQL(server.url, { query: "{ viewer { kind } }" }, apiKey);
    expect(graphql.status).toBe(503);
    expect(graphql.headers.get("retry-after")).toBe("5");
    expect(graphql.json.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
    expect(JSON.stringify(graphql.json)).not.toMatch(/ECONNREFUSED|stack|\.ts:\d+/);

    await proxy.restore();
    await expect.poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 15_000 }).toBe(200);
    const again = await postGraphQL(server.url, { query: "{ viewer { kind } }" }, apiKey);
    expect(again.json.data.viewer.kind).toBe("API_KEY");
  });
});
