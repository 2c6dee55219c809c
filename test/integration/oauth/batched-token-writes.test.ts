import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../../server/crypto/sha256.ts";
import {
  authorizeInBrowser,
  createApp,
  createUser,
  type TestApp,
  type TestUser,
} from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { postAsClient } from "../../support/token-endpoint.ts";
import { UserAgent } from "../../support/user-agent.ts";

// Concurrent code exchanges and refreshes share statements (server/db/group-batcher.ts): these tests fire them
// together so that batches of many rows, a row twice in one batch, and a row locked elsewhere all really happen.

const REDIRECT = "http://127.0.0.1:8787/callback";
let server: TestServer;
let user: TestUser;
let organizationId: string;
let app: TestApp;
let agent: UserAgent;

beforeAll(async () => {
  server = await startTestServer();
  ({ user, organizationId } = await createUser(server.orm));
  app = await createApp(server.orm, organizationId, { refreshReuseInterval: 0 });
  agent = new UserAgent(server.url);
});
afterAll(() => server?.stop());

const tokenRequest = (form: Record<string, string>) => postAsClient(server.url, "/oauth2/token", app, form);

async function mintCode(): Promise<string> {
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify", state: "s" })}`;
  const code = (await authorizeInBrowser(agent, user, url)).searchParams.get("code");
  expect(code).toBeTruthy();
  return code!;
}

const exchange = (code: string) => tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT });
const refresh = (token: string) => tokenRequest({ grant_type: "refresh_token", refresh_token: token });

async function me(accessToken: string): Promise<number> {
  const response = await fetch(`${server.url}/api/v1/users/@me`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return response.status;
}

async function count(sql: string, values: unknown[]): Promise<number> {
  const rows = await server.orm.em.fork().getConnection().execute(sql, values);
  return rows[0]!.n as number;
}

describe("token writes shared by concurrent requests", () => {
  it("30 codes exchanged at once: each gets its own working pair, stored once", async () => {
    const codes: string[] = [];
    for (let i = 0; i < 30; i++) codes.push(await mintCode());
    const results = await Promise.all(codes.map(exchange));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(new Set(results.map((r) => r.body.refresh_token)).size).toBe(30);
    for (const code of codes) {
      const n = await count(
        `select count(*)::int as n from refresh_tokens r join authorization_codes c on c.id = r.authorization_code_id
         where c.code_hash = ? and c.consumed_at is not null`,
        [hashSecret(code)],
      );
      expect(n).toBe(1);
    }
    expect(await me(results[29]!.body.access_token)).toBe(200);

    // And every new refresh token rotates, all at once too.
    const rotated = await Promise.all(results.map((r) => refresh(r.body.refresh_token)));
    expect(rotated.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(await me(rotated[0]!.body.access_token)).toBe(200);
  });

  it("one code presented 20 times at once: one pair is issued, then revoked as a replay; nobody gets a 500", async () => {
    const code = await mintCode();
    const results = await Promise.all(Array.from({ length: 20 }, () => exchange(code)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 400).every((r) => r.body.error === "invalid_grant")).toBe(true);
    expect(results.filter((r) => r.status === 400)).toHaveLength(19);
    expect(await me(ok[0]!.body.access_token)).toBe(401);
    expect((await refresh(ok[0]!.body.refresh_token)).status).toBe(400);
    const issued = await count(
      `select count(*)::int as n from refresh_tokens r join authorization_codes c on c.id = r.authorization_code_id
       where c.code_hash = ?`,
      [hashSecret(code)],
    );
    expect(issued).toBe(1);
  });

  it("a token whose row another transaction holds does not hold up the others: it waits alone, then rotates", async () => {
    const pairs = await Promise.all(Array.from({ length: 6 }, async () => (await exchange(await mintCode())).body));
    const held = pairs[0]!.refresh_token as string;
    const blocker = new pg.Client({ connectionString: server.database.url });
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query("select id from refresh_tokens where token_hash = $1 for update", [hashSecret(held)]);
      const heldRequest = refresh(held);
      const others = await Promise.all(pairs.slice(1).map((pair) => refresh(pair.refresh_token)));
      expect(others.map((r) => r.status)).toEqual(Array(5).fill(200));
      let settled = false;
      void heldRequest.then(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
      await blocker.query("commit");
      const result = await heldRequest;
      expect(result.status).toBe(200);
      expect(await me(result.body.access_token)).toBe(200);
    } finally {
      await blocker.end();
    }
  });
});
