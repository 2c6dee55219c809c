import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../../server/crypto/sha256.ts";
import { computeCodeChallenge } from "../../../server/oauth/pkce.ts";
import { postAsClient } from "../../support/oauth-client.ts";
import {
  authorizeInBrowser,
  createApp,
  createUser,
  REDIRECT,
  type TestApp,
  type TestUser,
} from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

// Concurrent code exchanges and refreshes share statements (server/db/group-batcher.ts): these tests fire them
// together so that batches of many rows, a row twice in one batch, and a row locked elsewhere all really happen.

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

async function mintCode(scope = "identify", extra: Record<string, string> = {}): Promise<string> {
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope, state: "s", ...extra })}`;
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

  it("the one-statement exchange and rotation store the rows the locked path would: user, grant, family, lineage", async () => {
    const code = await mintCode("identify guilds");
    const pair = (await exchange(code)).body;
    expect(pair.scope).toBe("identify guilds");
    const rows = async (refreshToken: string) => {
      const result = await server.orm.em
        .fork()
        .getConnection()
        .execute(
          `select r.id, r.user_id, r.grant_id, r.family_id, r.parent_id, r.authorization_code_id, r.scopes,
             a.user_id as a_user, a.grant_id as a_grant, a.refresh_family_id as a_family,
             a.authorization_code_id as a_code, a.scopes as a_scopes, a.format, a.token_hash,
             c.id as code_id, c.user_id as code_user, c.grant_id as code_grant
           from refresh_tokens r
           join access_tokens a on a.refresh_family_id = r.family_id and a.created_at = r.created_at
           join authorization_codes c on c.id = r.authorization_code_id
           where r.token_hash = ?`,
          [hashSecret(refreshToken)],
        );
      expect(result).toHaveLength(1);
      return result[0]!;
    };
    const first = await rows(pair.refresh_token);
    expect(first).toMatchObject({ parent_id: null, format: "jwt", token_hash: null, user_id: user.id });
    expect(first.grant_id).toBeTruthy();
    expect([first.a_user, first.grant_id, first.a_grant, first.a_family, first.code_id, first.a_code]).toEqual([
      first.code_user,
      first.code_grant,
      first.code_grant,
      first.family_id,
      first.authorization_code_id,
      first.authorization_code_id,
    ]);
    expect([first.scopes, first.a_scopes]).toEqual([
      ["identify", "guilds"],
      ["identify", "guilds"],
    ]);

    // A narrower scope goes through the locked path; the new refresh token keeps the full scope (RFC 6749 §6).
    const narrowed = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: pair.refresh_token,
      scope: "guilds",
    });
    expect(narrowed.status, JSON.stringify(narrowed.body)).toBe(200);
    expect(narrowed.body.scope).toBe("guilds");
    const second = await rows(narrowed.body.refresh_token);
    expect(second).toMatchObject({ parent_id: first.id, family_id: first.family_id, scopes: ["identify", "guilds"] });
    expect(second.a_scopes).toEqual(["guilds"]);

    // The plain rotation (one statement) carries the lineage and the presented token's full scope.
    const rotated = await refresh(narrowed.body.refresh_token);
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.scope).toBe("identify guilds");
    const third = await rows(rotated.body.refresh_token);
    expect(third).toMatchObject({
      parent_id: second.id,
      family_id: first.family_id,
      a_family: first.family_id,
      grant_id: first.grant_id,
      a_grant: first.grant_id,
      user_id: user.id,
      a_user: user.id,
      authorization_code_id: first.authorization_code_id,
      a_code: first.authorization_code_id,
      scopes: ["identify", "guilds"],
      a_scopes: ["identify", "guilds"],
    });
    expect(await me(rotated.body.access_token)).toBe(200);
  });

  it("a check that fails in the one statement spends nothing: the locked path answers precisely, the code still works", async () => {
    const code = await mintCode();
    const wrong = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: `${REDIRECT}/other` });
    expect(wrong.body).toMatchObject({ error: "invalid_grant" });
    expect(wrong.body.error_description).toMatch(/redirect_uri does not match/);
    const downgrade = await tokenRequest({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      code_verifier: "a".repeat(43),
    });
    expect(downgrade.body.error_description).toMatch(/code_verifier was sent but the authorization request had no/);
    const malformed = await tokenRequest({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      code_verifier: "short",
    });
    expect(malformed.body).toMatchObject({ error: "invalid_grant" });
    expect((await exchange(code)).status).toBe(200);
  });

  it("the one statement refuses what decideCodeExchange refuses: each case leaves the PKCE code unspent", async () => {
    const verifier = randomBytes(32).toString("base64url");
    const code = await mintCode("identify", {
      code_challenge: computeCodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const consumed = () =>
      count("select count(*)::int as n from authorization_codes where code_hash = ? and consumed_at is not null", [
        hashSecret(code),
      ]);
    const other = await createApp(server.orm, organizationId);
    const form = { grant_type: "authorization_code", code, redirect_uri: REDIRECT };
    const cases: [string, Promise<{ status: number; body: Record<string, any> }>, RegExp][] = [
      [
        "another client",
        postAsClient(server.url, "/oauth2/token", other, { ...form, code_verifier: verifier }),
        /another client/,
      ],
      ["no verifier", tokenRequest(form), /code_verifier is required/],
      [
        "a wrong verifier",
        tokenRequest({ ...form, code_verifier: `${verifier[0] === "A" ? "B" : "A"}${verifier.slice(1)}` }),
        /does not match the code_challenge/,
      ],
      [
        "no redirect_uri",
        tokenRequest({ grant_type: "authorization_code", code, code_verifier: verifier }),
        /redirect_uri is required/,
      ],
    ];
    for (const [what, request, message] of cases) {
      const response = await request;
      expect(response.body.error, what).toBe("invalid_grant");
      expect(response.body.error_description, what).toMatch(message);
      expect(await consumed(), what).toBe(0);
    }
    await server.orm.em
      .fork()
      .getConnection()
      .execute("update authorization_codes set expires_at = now() - interval '1 second' where code_hash = ?", [
        hashSecret(code),
      ]);
    const expired = await tokenRequest({ ...form, code_verifier: verifier });
    expect(expired.body.error_description).toMatch(/has expired/);
    expect(await consumed()).toBe(0);
    await server.orm.em
      .fork()
      .getConnection()
      .execute("update authorization_codes set expires_at = now() + interval '1 minute' where code_hash = ?", [
        hashSecret(code),
      ]);
    expect((await tokenRequest({ ...form, code_verifier: verifier })).status).toBe(200);
    expect(await consumed()).toBe(1);
  });

  it("the one-statement rotation refuses what decideRefresh refuses (another client, expired), rotating nothing", async () => {
    const { refresh_token: token } = (await exchange(await mintCode())).body;
    const rotated = () =>
      count("select count(*)::int as n from refresh_tokens where token_hash = ? and rotated_at is not null", [
        hashSecret(token),
      ]);
    const other = await createApp(server.orm, organizationId);
    const stolen = await postAsClient(server.url, "/oauth2/token", other, {
      grant_type: "refresh_token",
      refresh_token: token,
    });
    expect(stolen.body).toMatchObject({ error: "invalid_grant" });
    expect(stolen.body.error_description).toMatch(/another client/);
    expect(await rotated()).toBe(0);
    const setExpiry = (interval: string) =>
      server.orm.em
        .fork()
        .getConnection()
        .execute(`update refresh_tokens set expires_at = now() + interval '${interval}' where token_hash = ?`, [
          hashSecret(token),
        ]);
    await setExpiry("-1 second");
    expect((await refresh(token)).body.error_description).toMatch(/has expired/);
    expect(await rotated()).toBe(0);
    await setExpiry("1 hour");
    expect((await refresh(token)).status).toBe(200);
    expect(await rotated()).toBe(1);
  });
});
