import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Connection, Membership } from "../../../server/db/entities/index.ts";
import { runConnectionRefresh } from "../../../server/events/connection-refresh.ts";
import { createLogger } from "../../../server/logger.ts";
import { getConnectionAccessToken } from "../../../server/services/connections/connection-access-token.ts";
import { openRefreshToken, sealTokenResponse } from "../../../server/services/connections/connection-tokens.ts";
import { ConnectionUnavailableError } from "../../../server/services/connections/connection-unavailable.ts";
import { disconnectConnection } from "../../../server/services/connections/disconnect-connection.ts";
import { refreshConnection } from "../../../server/services/connections/refresh-connection.ts";
import { NotFoundError } from "../../../server/services/errors.ts";
import { deleteIntegration } from "../../../server/services/integrations/delete-integration.ts";
import { insertIntegration } from "../../support/integration-fixtures.ts";
import { createApp, createUser, signIn, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { LOOPBACK_OK, startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";
import { location, UserAgent } from "../../support/user-agent.ts";

const CLIENT_ID = "latch-connections";
const CLIENT_SECRET = "conn-secret-0123456789abcdef";
const APP_ORIGIN = "https://app.example.com";

type ConnectionRow = {
  id: string;
  status: string;
  access_token_encrypted: string | null;
  refresh_token_encrypted: string | null;
  scopes: string[];
  expires_at: Date | null;
  last_refreshed_at: Date | null;
  error: string | null;
};

let server: TestServer;
let upstream: UpstreamProvider;
const logs: string[] = [];
/** Every token and code that crossed the wire in these tests: none may appear in a log line. */
const secrets = new Set<string>([CLIENT_SECRET]);
let owner: TestUser;
let organizationId: string;
let integrationId: string;

beforeAll(async () => {
  server = await startTestServer({ logs, env: { LATCH_RUN_WORKER: "false" } });
  upstream = await startUpstreamProvider({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${server.url}/oauth/callback`] }],
    interaction: "auto",
    accessTokenTtl: 4,
  });
  ({ user: owner, organizationId } = await createUser(server.orm));
  await createApp(server.orm, organizationId, { redirectUris: [`${APP_ORIGIN}/callback`] });
  const integration = await insertIntegration(server, {
    organizationId,
    domain: "files.example",
    grantType: "authorization_code",
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    authorizeUrl: upstream.endpoints.authorization,
    tokenUrl: upstream.endpoints.token,
    revocationUrl: upstream.endpoints.revocation,
    scopes: ["files.read"],
  });
  integrationId = integration.id;
});

afterAll(async () => {
  await upstream?.close();
  await server?.stop();
});

async function signedIn(user: TestUser): Promise<UserAgent> {
  const agent = new UserAgent(server.url);
  expect((await signIn(agent, user)).status).toBe(303);
  return agent;
}

/** The owner's browser, signed in once: the login form allows five attempts per account a minute. */
let ownerBrowser: UserAgent | undefined;
async function ownerAgent(): Promise<UserAgent> {
  ownerBrowser ??= await signedIn(owner);
  return ownerBrowser;
}

/** Follows the upstream's redirects (with its own cookies: another origin) until it sends the browser back. */
async function throughUpstream(authorizeUrl: string): Promise<string> {
  const cookies = new Map<string, string>();
  let url = authorizeUrl;
  for (let hop = 0; hop < 8; hop++) {
    const response = await fetch(url, {
      redirect: "manual",
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; ") },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const index = pair!.indexOf("=");
      cookies.set(pair!.slice(0, index), pair!.slice(index + 1));
    }
    const next = new URL(location(response), url).toString();
    if (next.startsWith(`${server.url}/oauth/callback`)) return next;
    url = next;
  }
  throw new Error("the upstream never redirected back");
}

/** The popup flow as a browser runs it: start → upstream consent → callback. Returns the popup page. */
async function connect(agent: UserAgent, origin?: string) {
  const query = origin ? `?origin=${encodeURIComponent(origin)}` : "";
  const start = await agent.get(`/connections/${integrationId}/start${query}`);
  expect(start.status).toBe(302);
  const callbackUrl = await throughUpstream(location(start));
  secrets.add(new URL(callbackUrl).searchParams.get("code") ?? "");
  const response = await agent.get(callbackUrl);
  return { start, callbackUrl, response, html: await response.text() };
}

async function connectionRows(userId: string): Promise<ConnectionRow[]> {
  return server.orm.em
    .fork()
    .getConnection()
    .execute<ConnectionRow[]>("select * from connections where user_id = ? and integration_id = ?", [
      userId,
      integrationId,
    ]);
}

async function events(type: string, subjectId?: string) {
  return server.orm.em
    .fork()
    .getConnection()
    .execute<{ payload: Record<string, unknown>; actor_type: string; organization_id: string | null }[]>(
      "select payload, actor_type, organization_id from events where type = ? and (?::text is null or subject_id = ?) order by created_at",
      [type, subjectId ?? null, subjectId ?? null],
    );
}

async function openTokens(connectionId: string) {
  const row = await server.orm.em.fork().findOneOrFail(Connection, { id: connectionId });
  const refreshToken = openRefreshToken(server.keyring, row);
  if (refreshToken) secrets.add(refreshToken);
  return { refreshToken, lastRefreshedAt: row.lastRefreshedAt! };
}

async function accessToken(connectionId: string, now = new Date()): Promise<string> {
  const token = await getConnectionAccessToken(server.orm.em, server.keyring, LOOPBACK_OK, connectionId, now);
  secrets.add(token);
  return token;
}

/** 3 s into the current 4-second token: due for a refresh, not expired (tests pass `now`, so stored times may lead). */
async function dueTime(connectionId: string): Promise<Date> {
  return new Date((await openTokens(connectionId)).lastRefreshedAt.getTime() + 3000);
}

const refreshGrants = () => upstream.tokenRequests.get("refresh_token") ?? 0;
/** The job's logger writes where the server's does, so the secret check below covers its lines too. */
const jobLogger = createLogger("debug", { write: (line: string) => void logs.push(line) });
const job = {
  get orm() {
    return server.orm;
  },
  get keyring() {
    return server.keyring;
  },
  logger: jobLogger,
  allowPrivateWebhooks: true,
};

async function addMember(userId: string): Promise<void> {
  const em = server.orm.em.fork();
  em.create(Membership, { user: userId, organization: organizationId, role: "member", createdAt: new Date() });
  await em.flush();
}

describe("user connections", () => {
  let connectionId: string;

  it("asks for a signed-in user, a member, an authorization_code integration and a registered opener origin", async () => {
    const anonymous = new UserAgent(server.url);
    const start = await anonymous.get(`/connections/${integrationId}/start?origin=${encodeURIComponent(APP_ORIGIN)}`);
    expect(start.status).toBe(302);
    const login = new URL(location(start), server.url);
    expect(login.pathname).toBe("/login");
    expect(login.searchParams.get("return_to")).toBe(
      `/connections/${integrationId}/start?origin=${encodeURIComponent(APP_ORIGIN)}`,
    );

    const agent = await signedIn(owner);
    for (const origin of ["*", "https://evil.example", `${APP_ORIGIN}/callback`, "javascript:alert(1)"]) {
      const refused = await agent.get(`/connections/${integrationId}/start?origin=${encodeURIComponent(origin)}`);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain("may not start a connection");
    }
    expect((await agent.get(`/connections/${crypto.randomUUID()}/start`)).status).toBe(404);
    expect((await agent.get("/connections/not-a-uuid/start")).status).toBe(404);

    const service = await insertIntegration(server, {
      organizationId,
      domain: "robot.example",
      grantType: "client_credentials",
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tokenUrl: upstream.endpoints.token,
    });
    const wrongGrant = await agent.get(`/connections/${service.id}/start`);
    expect(wrongGrant.status).toBe(400);
    expect(await wrongGrant.text()).toContain("not set up correctly");

    const { user: outsider } = await createUser(server.orm);
    const notMember = await (await signedIn(outsider)).get(`/connections/${integrationId}/start`);
    expect(notMember.status).toBe(404);
    expect(upstream.authorizeRequests).toHaveLength(0);
  });

  it("connects through the popup: PKCE to the upstream, sealed tokens, a message to the opener's origin only", async () => {
    const agent = await ownerAgent();
    const { start, response, html } = await connect(agent, APP_ORIGIN);

    const authorize = new URL(location(start));
    expect(authorize.origin + authorize.pathname).toBe(upstream.endpoints.authorization);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      redirect_uri: `${server.url}/oauth/callback`,
      response_type: "code",
      scope: "files.read",
      state: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: "S256",
    });
    expect(authorize.searchParams.has("nonce")).toBe(false);
    expect(start.headers.get("cross-origin-opener-policy")).toBe("unsafe-none");

    expect(response.status).toBe(200);
    expect(response.headers.get("cross-origin-opener-policy")).toBe("unsafe-none");
    const csp = response.headers.get("content-security-policy")!;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain(`var target = "${APP_ORIGIN}";`);
    expect(html).toContain("window.opener.postMessage(message, target)");
    expect(html).not.toContain('"*"');
    expect(html).toContain('"type":"latch:connection","status":"connected"');
    expect(html).toContain(`"integrationId":"${integrationId}"`);
    expect(html).toContain("Your account is connected to files.example.");

    const [row] = await connectionRows(owner.id);
    expect(row).toMatchObject({ status: "active", scopes: ["files.read"], error: null });
    connectionId = row!.id;
    expect(new Date(row!.expires_at!).getTime() - new Date(row!.last_refreshed_at!).getTime()).toBe(4000);
    const token = await accessToken(connectionId);
    const { refreshToken } = await openTokens(connectionId);
    expect(refreshToken).toEqual(expect.any(String));
    for (const column of [row!.access_token_encrypted!, row!.refresh_token_encrypted!]) {
      expect(column).not.toContain(token);
      expect(column).not.toContain(refreshToken);
      expect(column).not.toContain(Buffer.from(token).toString("base64"));
    }
    expect(upstream.tokenRequests.get("authorization_code")).toBe(1);
    expect(await events("connection.connected", connectionId)).toEqual([
      expect.objectContaining({
        organization_id: organizationId,
        actor_type: "user",
        payload: { connectionId, integrationId, userId: owner.id, reconnected: false },
      }),
    ]);
  });

  it("posts to Latch's own origin when the page gave none, and refuses a replayed callback", async () => {
    const agent = await ownerAgent();
    const { callbackUrl, html } = await connect(agent);
    expect(html).toContain(`var target = "${new URL(server.url).origin}";`);
    const before = await connectionRows(owner.id);
    expect(before).toHaveLength(1);
    expect(before[0]!.id).toBe(connectionId);

    const replay = await agent.get(callbackUrl);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("It has expired, was already used, or was opened in another browser.");
    expect(await connectionRows(owner.id)).toEqual(before);
  });

  it("refreshes in the background before expiry, rotating the refresh token", async () => {
    const token = await accessToken(connectionId);
    const before = await openTokens(connectionId);
    const grants = refreshGrants();
    // The job looks one run (a minute) ahead: a 4-second token is due at once.
    const summary = await runConnectionRefresh(job, new Date());
    expect(summary).toMatchObject({ refreshed: 1, needsReauth: 0, failed: 0 });
    expect(refreshGrants()).toBe(grants + 1);
    const after = await openTokens(connectionId);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.lastRefreshedAt.getTime()).toBeGreaterThan(before.lastRefreshedAt.getTime());
    const fresh = await accessToken(connectionId);
    expect(fresh).not.toBe(token);
    const api = await fetch(upstream.endpoints.githubUser, { headers: { authorization: `Bearer ${fresh}` } });
    expect(api.status).toBe(200);
  });

  it("refreshes on demand once for 50 concurrent callers, and once for two processes racing on the row", async () => {
    const current = await accessToken(connectionId);
    const grants = refreshGrants();
    const due = await dueTime(connectionId);
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () =>
        getConnectionAccessToken(server.orm.em, server.keyring, LOOPBACK_OK, connectionId, due),
      ),
    );
    for (const token of tokens) secrets.add(token);
    expect(refreshGrants()).toBe(grants + 1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(current);

    // Two refreshes that skip the in-process single flight, as two replicas would: the row lock serializes them and
    // the second finds the token fresh.
    const later = await dueTime(connectionId);
    const outcomes = await Promise.all([
      refreshConnection(server.orm.em, server.keyring, LOOPBACK_OK, connectionId, later),
      refreshConnection(server.orm.em, server.keyring, LOOPBACK_OK, connectionId, later),
    ]);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(["refreshed", "valid"]);
    expect(refreshGrants()).toBe(grants + 2);
    await openTokens(connectionId);
  });

  it("keeps an unexpired token and the connection active when a refresh fails for a transient reason", async () => {
    const token = await accessToken(connectionId);
    const { lastRefreshedAt } = await openTokens(connectionId);
    // Due (3 s into a 4-second token) but not expired: the stored token still serves.
    const dueNotExpired = new Date(lastRefreshedAt.getTime() + 3000);
    upstream.tokenFailure = { kind: "html" };
    try {
      const summary = await runConnectionRefresh(job, new Date());
      expect(summary).toMatchObject({ refreshed: 0, failed: 1 });
      const [row] = await connectionRows(owner.id);
      expect(row).toMatchObject({ status: "active", error: expect.stringContaining("upstream_bad_response") });
      expect(await accessToken(connectionId, dueNotExpired)).toBe(token);
      const expired = new Date(lastRefreshedAt.getTime() + 5000);
      await expect(
        getConnectionAccessToken(server.orm.em, server.keyring, LOOPBACK_OK, connectionId, expired),
      ).rejects.toMatchObject({ code: "upstream_bad_response" });
    } finally {
      upstream.tokenFailure = undefined;
    }
    expect(await accessToken(connectionId, dueNotExpired)).not.toBe(token);
    const [row] = await connectionRows(owner.id);
    expect(row).toMatchObject({ status: "active", error: null });
    await openTokens(connectionId);
  });

  it("marks the connection needs_reauth on invalid_grant, and a reconnect makes it active again", async () => {
    upstream.tokenFailure = { kind: "oauth_error", error: "invalid_grant" };
    try {
      const failed = getConnectionAccessToken(
        server.orm.em,
        server.keyring,
        LOOPBACK_OK,
        connectionId,
        await dueTime(connectionId),
      );
      await expect(failed).rejects.toBeInstanceOf(ConnectionUnavailableError);
      await expect(failed).rejects.toMatchObject({ status: "needs_reauth" });
    } finally {
      upstream.tokenFailure = undefined;
    }
    const [row] = await connectionRows(owner.id);
    expect(row).toMatchObject({
      status: "needs_reauth",
      access_token_encrypted: null,
      refresh_token_encrypted: null,
      error: expect.stringContaining("invalid_grant"),
    });
    expect(await events("connection.needs_reauth", connectionId)).toEqual([
      expect.objectContaining({
        organization_id: organizationId,
        actor_type: "system",
        payload: { connectionId, integrationId, userId: owner.id, reason: "invalid_grant" },
      }),
    ]);
    await expect(accessToken(connectionId)).rejects.toMatchObject({ status: "needs_reauth" });
    const grants = refreshGrants();
    expect((await runConnectionRefresh(job, new Date())).refreshed).toBe(0);
    expect(refreshGrants()).toBe(grants);

    const { html } = await connect(await ownerAgent(), APP_ORIGIN);
    expect(html).toContain('"status":"connected"');
    const rows = await connectionRows(owner.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: connectionId, status: "active", error: null });
    expect((await events("connection.connected", connectionId)).at(-1)?.payload).toMatchObject({ reconnected: true });
    await accessToken(connectionId);
    await openTokens(connectionId);
  });

  it("ends on a readable popup error with an event and no row when the token endpoint answers HTML", async () => {
    const { user } = await createUser(server.orm);
    await addMember(user.id);
    upstream.tokenFailure = { kind: "html" };
    let popup: Awaited<ReturnType<typeof connect>>;
    try {
      popup = await connect(await signedIn(user), APP_ORIGIN);
    } finally {
      upstream.tokenFailure = undefined;
    }
    expect(popup.response.status).toBe(502);
    expect(popup.html).toContain("The service answered something unexpected.");
    expect(popup.html).toContain('"status":"error"');
    expect(popup.html).toContain('"error":"upstream_bad_response"');
    expect(popup.html).toContain(`var target = "${APP_ORIGIN}";`);
    expect(await connectionRows(user.id)).toEqual([]);
    const failed = (await events("connection.failed", integrationId)).filter((e) => e.payload.userId === user.id);
    expect(failed).toEqual([
      expect.objectContaining({ payload: { integrationId, userId: user.id, reason: "upstream_bad_response" } }),
    ]);
    expect(
      logs.some((line) => line.includes('"msg":"connection failed"') && line.includes("upstream_bad_response")),
    ).toBe(true);
  });

  it("ends on a readable popup error when the upstream answers with an error instead of a code", async () => {
    const { user } = await createUser(server.orm);
    await addMember(user.id);
    const agent = await signedIn(user);
    const start = await agent.get(`/connections/${integrationId}/start`);
    const state = new URL(location(start)).searchParams.get("state")!;
    const denied = await agent.get(`/oauth/callback?error=access_denied&state=${state}`);
    expect(denied.status).toBe(400);
    const html = await denied.text();
    expect(html).toContain("The connection was not authorized.");
    expect(html).toContain('"error":"access_denied"');
    expect(await connectionRows(user.id)).toEqual([]);
    expect((await events("connection.failed", integrationId)).at(-1)?.payload).toEqual({
      integrationId,
      userId: user.id,
      reason: "upstream_error",
      upstreamError: "access_denied",
    });
  });

  it("rejects a callback that arrives in another user's session, and one from another browser", async () => {
    const { user: other } = await createUser(server.orm);
    const agent = await signedIn(owner);
    const [before] = await connectionRows(owner.id);
    const start = await agent.get(`/connections/${integrationId}/start`);
    const callbackUrl = await throughUpstream(location(start));
    secrets.add(new URL(callbackUrl).searchParams.get("code") ?? "");
    expect((await signIn(agent, other)).status).toBe(303);
    const codes = upstream.tokenRequests.get("authorization_code");
    const rejected = await agent.get(callbackUrl);
    expect(rejected.status).toBe(403);
    const html = await rejected.text();
    expect(html).toContain("started by another account");
    expect(html).toContain('"error":"wrong_user"');
    expect(upstream.tokenRequests.get("authorization_code")).toBe(codes);
    expect((await events("connection.failed", integrationId)).at(-1)?.payload).toMatchObject({ reason: "wrong_user" });
    expect(await connectionRows(other.id)).toEqual([]);
    expect(await connectionRows(owner.id)).toEqual([before]);

    const start2 = await (await ownerAgent()).get(`/connections/${integrationId}/start`);
    const callback2 = await throughUpstream(location(start2));
    secrets.add(new URL(callback2).searchParams.get("code") ?? "");
    const elsewhere = await (await signedIn(owner)).get(callback2);
    expect(elsewhere.status).toBe(400);
    expect(await connectionRows(owner.id)).toEqual([before]);
  });

  it("disconnects: revokes the refresh and access tokens upstream, then forgets them", async () => {
    const token = await accessToken(connectionId);
    const { refreshToken } = await openTokens(connectionId);
    const now = new Date();
    await expect(
      disconnectConnection(
        server.orm.em,
        server.keyring,
        LOOPBACK_OK,
        { connectionId, organizationId: crypto.randomUUID(), actor: { type: "user", id: owner.id } },
        now,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);

    const result = await disconnectConnection(
      server.orm.em,
      server.keyring,
      LOOPBACK_OK,
      { connectionId, organizationId, actor: { type: "user", id: owner.id } },
      now,
    );
    expect(result).toEqual({ connectionId, integrationId, status: "revoked", upstreamRevocation: "revoked" });
    expect(upstream.revocations.slice(-2)).toEqual([refreshToken, token]);
    const [row] = await connectionRows(owner.id);
    expect(row).toMatchObject({ status: "revoked", access_token_encrypted: null, refresh_token_encrypted: null });
    expect(await events("connection.disconnected", connectionId)).toEqual([
      expect.objectContaining({
        actor_type: "user",
        payload: { connectionId, integrationId, userId: owner.id, upstreamRevocation: "revoked" },
      }),
    ]);
    const api = await fetch(upstream.endpoints.githubUser, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(401);
    await expect(accessToken(connectionId)).rejects.toMatchObject({ status: "revoked" });
  });

  it("deleting the integration revokes its live connections' tokens upstream first, then removes them", async () => {
    // The owner's connection was disconnected above: connecting again brings it back with new tokens.
    await connect(await ownerAgent());
    const [live] = (await connectionRows(owner.id)).filter((row) => row.status === "active");
    expect(live).toBeDefined();
    const token = await accessToken(live!.id);
    const { refreshToken } = await openTokens(live!.id);
    const revokedBefore = upstream.revocations.length;

    const result = await deleteIntegration(
      server.orm.em,
      server.keyring,
      LOOPBACK_OK,
      { integrationId, organizationId, actor: { type: "user", id: owner.id } },
      new Date(),
    );
    expect(result).toEqual({ connections: 1, upstreamRevocation: { revoked: 1, failed: 0, not_supported: 0 } });
    expect(upstream.revocations.slice(revokedBefore)).toEqual([refreshToken, token]);
    const api = await fetch(upstream.endpoints.githubUser, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(401);
    expect(await connectionRows(owner.id)).toEqual([]);
    expect(await events("integration.deleted", integrationId)).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({ integrationId, ...result }),
      }),
    ]);
  });

  it("an upstream that refuses the revocation does not keep the integration: counted as failed, deleted anyway", async () => {
    const refusing = await insertIntegration(server, {
      organizationId,
      domain: "refusing.example",
      grantType: "authorization_code",
      clientId: CLIENT_ID,
      clientSecret: "not-the-upstream-secret-0123456789",
      authorizeUrl: upstream.endpoints.authorization,
      tokenUrl: upstream.endpoints.token,
      revocationUrl: upstream.endpoints.revocation,
      scopes: ["files.read"],
    });
    for (const token of ["upstream-access-of-refusing", "upstream-refresh-of-refusing"]) secrets.add(token);
    const em = server.orm.em.fork();
    const id = crypto.randomUUID();
    const now = new Date();
    const sealed = sealTokenResponse(
      server.keyring,
      id,
      {
        access_token: "upstream-access-of-refusing",
        refresh_token: "upstream-refresh-of-refusing",
        token_type: "bearer",
      } as never,
      now,
      { refreshTokenEncrypted: null, scopes: ["files.read"] },
    );
    em.create(Connection, {
      id,
      integration: refusing.id,
      user: owner.id,
      status: "active",
      ...sealed,
      createdAt: now,
      updatedAt: now,
    });
    await em.flush();
    const result = await deleteIntegration(
      server.orm.em,
      server.keyring,
      LOOPBACK_OK,
      { integrationId: refusing.id, organizationId, actor: { type: "system" } },
      now,
      { logger: jobLogger },
    );
    // The double authenticates the client first: a wrong secret is refused (invalid_client), like a revoked app upstream.
    expect(result).toEqual({ connections: 1, upstreamRevocation: { revoked: 0, failed: 1, not_supported: 0 } });
    expect(logs.some((line) => line.includes("upstream revocation failed"))).toBe(true);
    const gone = await server.orm.em.fork().count(Connection, { id });
    expect(gone).toBe(0);
  });

  it("never logs a token, a code or the client secret", () => {
    expect(logs.length).toBeGreaterThan(0);
    expect(secrets.size).toBeGreaterThan(10);
    const all = logs.join("\n");
    for (const secret of secrets) if (secret) expect(all).not.toContain(secret);
  });
});
