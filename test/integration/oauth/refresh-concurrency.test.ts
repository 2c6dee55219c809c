import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../../server/crypto/sha256.ts";
import { Application, RefreshToken } from "../../../server/db/entities/index.ts";
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

let server: TestServer;
let user: TestUser;
let organizationId: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ user, organizationId } = await createUser(server.orm));
});
afterAll(() => server?.stop());

const tokenRequest = (app: TestApp, form: Record<string, string>) =>
  postAsClient(server.url, "/oauth2/token", app, form);

/** Runs the code flow (no PKCE needed for a confidential client) and returns the first token pair. */
async function firstPair(app: TestApp) {
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify", state: "s" })}`;
  const callback = await authorizeInBrowser(new UserAgent(server.url), user, url);
  const code = callback.searchParams.get("code");
  expect(code).toBeTruthy();
  const { status, body } = await tokenRequest(app, {
    grant_type: "authorization_code",
    code: code!,
    redirect_uri: REDIRECT,
  });
  expect(status).toBe(200);
  return body as { access_token: string; refresh_token: string };
}

async function familyOf(refreshToken: string): Promise<RefreshToken> {
  return server.orm.em.fork().findOneOrFail(RefreshToken, { tokenHash: hashSecret(refreshToken) });
}

describe("concurrent refreshes of one refresh token", () => {
  it("with no reuse interval: exactly one wins, the other 99 get invalid_grant, and the family is revoked as reuse", async () => {
    const app = await createApp(server.orm, organizationId, { refreshReuseInterval: 0 });
    const pair = await firstPair(app);
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        tokenRequest(app, { grant_type: "refresh_token", refresh_token: pair.refresh_token }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    const rejected = results.filter((r) => r.status === 400);
    expect(ok).toHaveLength(1);
    expect(rejected).toHaveLength(99);
    for (const r of rejected) expect(r.body.error).toBe("invalid_grant");
    expect(results.some((r) => r.status >= 500)).toBe(false);

    const family = (await familyOf(pair.refresh_token)).familyId;
    const rows = await server.orm.em.fork().find(RefreshToken, { familyId: family });
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.revokedAt && row.revokedReason === "reuse_detected")).toBe(true);
    // The winner's pair was revoked with its family: the thief and the victim both have to sign in again.
    const winner = ok[0]!.body;
    const retry = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: winner.refresh_token });
    expect(retry).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    const me = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${winner.access_token}` },
    });
    expect(me.status).toBe(401);
    const events = await server.orm.em
      .fork()
      .getConnection()
      .execute("select count(*)::int as n from events where type = 'token.refresh_reuse_detected' and subject_id = ?", [
        family,
      ]);
    expect(events[0]!.n).toBeGreaterThanOrEqual(1);
  });

  it("a new app is strict by default (reuse interval 0): 50 racing refreshes, one answer, and the family revoked", async () => {
    const app = await createApp(server.orm, organizationId);
    const stored = await server.orm.em.fork().findOneOrFail(Application, { id: app.id });
    expect(stored.refreshReuseInterval).toBe(0);
    const pair = await firstPair(app);
    const results = await refreshTogether([server], app, pair.refresh_token, 50);
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.body.error === "invalid_grant")).toHaveLength(49);
    const family = (await familyOf(pair.refresh_token)).familyId;
    expect(await liveRefreshTokens(family)).toEqual([]);
  });

  it("inside the reuse interval: 50 racing refreshes all get the one same successor, which stays the only live token", async () => {
    const app = await createApp(server.orm, organizationId, { refreshReuseInterval: 30 });
    const pair = await firstPair(app);
    const family = (await familyOf(pair.refresh_token)).familyId;
    const results = await refreshTogether([server], app, pair.refresh_token, 50);
    await expectOneSuccessor(app, family, results);
  });

  it("inside the reuse interval across two server processes on one database: still one successor", async () => {
    const replica = await startTestServer({
      env: { LATCH_MASTER_KEY: server.env.LATCH_MASTER_KEY! },
      database: server.database,
    });
    try {
      const app = await createApp(server.orm, organizationId, { refreshReuseInterval: 30 });
      const pair = await firstPair(app);
      const family = (await familyOf(pair.refresh_token)).familyId;
      const results = await refreshTogether([server, replica], app, pair.refresh_token, 50);
      await expectOneSuccessor(app, family, results);
    } finally {
      await replica.stop();
    }
  });

  it("inside the reuse interval, a rotated token presented after its successor was used is reuse: the family is revoked", async () => {
    const app = await createApp(server.orm, organizationId, { refreshReuseInterval: 30 });
    const pair = await firstPair(app);
    const first = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: pair.refresh_token });
    expect(first.status).toBe(200);
    const second = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: first.body.refresh_token });
    expect(second.status).toBe(200);
    const replay = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: pair.refresh_token });
    expect(replay).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(await liveRefreshTokens((await familyOf(pair.refresh_token)).familyId)).toEqual([]);
    const after = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: second.body.refresh_token });
    expect(after).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });
});

/** `count` refreshes of one token started together, spread over `servers` in turn. */
function refreshTogether(servers: TestServer[], app: TestApp, refreshToken: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const url = servers[i % servers.length]!.url;
      const answer = await postAsClient(url, "/oauth2/token", app, {
        grant_type: "refresh_token",
        refresh_token: refreshToken,
      });
      // The issuer that answered: its access token names it (iss), and only it accepts the token as its own.
      return { ...answer, url };
    }),
  );
}

/** The family's refresh tokens that could still be refreshed (neither rotated nor revoked), by hash. */
async function liveRefreshTokens(familyId: string): Promise<string[]> {
  const rows = await server.orm.em.fork().find(RefreshToken, { familyId, rotatedAt: null, revokedAt: null });
  return rows.map((row) => row.tokenHash);
}

/**
 * Every answer is a 200 carrying the same refresh token, the family's only live one; each answer's access token
 * works, and the successor refreshes normally.
 */
async function expectOneSuccessor(
  app: TestApp,
  family: string,
  results: { status: number; body: Record<string, any>; url: string }[],
) {
  expect(results.map((r) => r.status)).toEqual(Array(results.length).fill(200));
  const refreshTokens = new Set(results.map((r) => r.body.refresh_token as string));
  expect(refreshTokens.size).toBe(1);
  const [successor] = [...refreshTokens];
  expect(await liveRefreshTokens(family)).toEqual([hashSecret(successor!)]);
  expect(await server.orm.em.fork().count(RefreshToken, { familyId: family })).toBe(2);
  for (const r of results.slice(0, 4)) {
    const me = await fetch(`${r.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${r.body.access_token}` },
    });
    expect(me.status).toBe(200);
  }
  const next = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: successor! });
  expect(next.status).toBe(200);
  expect(next.body.refresh_token).not.toBe(successor);
}
