import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UpstreamError } from "../../../server/connections/upstream-error.ts";
import { Connection, Event } from "../../../server/db/entities/index.ts";
import { sealTokenResponse } from "../../../server/services/connections/connection-tokens.ts";
import { NotFoundError } from "../../../server/services/errors.ts";
import { getAccessToken } from "../../../server/services/service-tokens/get-access-token.ts";
import {
  renewServiceToken,
  SERVICE_TOKEN_FAILED_EVENT,
} from "../../../server/services/service-tokens/renew-service-token.ts";
import { testIntegration } from "../../../server/services/service-tokens/test-integration.ts";
import { type IntegrationFixture, insertIntegration } from "../../support/integration-fixtures.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import {
  introspectUpstream,
  LOOPBACK_OK,
  startUpstreamProvider,
  type UpstreamProvider,
} from "../../support/upstream-provider.ts";

const SVC = { clientId: "svc", clientSecret: "svc-secret-0123456789abcdef" };
const WEB = { clientId: "web", clientSecret: "web-secret-0123456789abcdef" };
const ROBOT = { username: "robot", password: "hunter22-correct-horse" };
const TTL_S = 4;

let server: TestServer;
let upstream: UpstreamProvider;
let organizationId: string;

beforeAll(async () => {
  [server, upstream] = await Promise.all([
    startTestServer(),
    startUpstreamProvider({
      clients: [
        { ...SVC, grantTypes: ["client_credentials", "password"] },
        { ...WEB, redirectUris: ["http://127.0.0.1:9/oauth/callback"] },
      ],
      passwordUsers: { [ROBOT.username]: ROBOT.password },
      clientCredentialsTtl: TTL_S,
    }),
  ]);
  ({ organizationId } = await createUser(server.orm));
});
afterAll(async () => {
  await upstream?.close();
  await server?.stop();
});
afterEach(() => {
  upstream.tokenFailure = undefined;
});

const requests = (grantType: string) => upstream.tokenRequests.get(grantType) ?? 0;
const get = (integrationId: string, now?: Date) =>
  getAccessToken(server.orm.em, server.keyring, LOOPBACK_OK, integrationId, now);

function integration(grantType: IntegrationFixture["grantType"], overrides: Partial<IntegrationFixture> = {}) {
  return insertIntegration(server, {
    organizationId,
    domain: `svc-${crypto.randomUUID()}.example.com`,
    grantType,
    ...SVC,
    tokenUrl: upstream.endpoints.token,
    scopes: ["files.read"],
    ...(grantType === "password" ? ROBOT : {}),
    ...overrides,
  });
}

/** Asks the upstream itself whether it honours the token (RFC 7662). */
const introspect = (token: string) => introspectUpstream(upstream, SVC, token);

/** Reads the table directly, past the entities, to see what is at rest. */
function sql<T>(text: string, params: unknown[]): Promise<T[]> {
  return server.orm.em.fork().execute<T[]>(text, params);
}

function connectionRow(integrationId: string) {
  return sql<{
    access_token_encrypted: string | null;
    refresh_token_encrypted: string | null;
    error: string | null;
    user_id: string | null;
    status: string;
  }>(
    `select access_token_encrypted, refresh_token_encrypted, error, user_id, status
       from connections where integration_id = ?`,
    [integrationId],
  );
}

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe("service integration tokens", () => {
  it("acquires a client_credentials token the upstream honours, stores it sealed and reuses it", async () => {
    const row = await integration("client_credentials", { audience: "https://api.example.com" });
    const before = requests("client_credentials");
    const token = await get(row.id);
    expect(await introspect(token)).toMatchObject({ active: true, client_id: SVC.clientId });
    expect(await get(row.id)).toBe(token);
    expect(requests("client_credentials") - before).toBe(1);

    const stored = await connectionRow(row.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ user_id: null, status: "active", error: null });
    expect(stored[0]!.access_token_encrypted).toEqual(expect.any(String));
    expect(stored[0]!.access_token_encrypted).not.toContain(token);
    expect(stored[0]!.access_token_encrypted).not.toContain(token.slice(0, 12));
  });

  it("acquires a password grant token the upstream honours; the password is ciphertext at rest", async () => {
    const row = await integration("password");
    const before = requests("password");
    const token = await get(row.id);
    expect(await introspect(token)).toMatchObject({ active: true, client_id: SVC.clientId });
    expect(requests("password") - before).toBe(1);
    const rows = await sql<Record<string, string>>("select * from integration_credentials where id = ?", [row.id]);
    const raw = JSON.stringify(rows[0]);
    expect(raw).not.toContain(ROBOT.password);
    expect(raw).not.toContain(SVC.clientSecret);
    expect(JSON.stringify(await connectionRow(row.id))).not.toContain(token);
  });

  it("renews a token before it expires: past the margin the next call gets a new one while the old is still valid", async () => {
    const row = await integration("client_credentials");
    const first = await get(row.id);
    const before = requests("client_credentials");
    // A 4 s token is due halfway through its life, 2 s in.
    await new Promise((resolve) => setTimeout(resolve, 2300));
    const second = await get(row.id);
    expect(second).not.toBe(first);
    expect(requests("client_credentials") - before).toBe(1);
    expect(await introspect(first)).toMatchObject({ active: true });
    expect(await introspect(second)).toMatchObject({ active: true });
    const connection = await server.orm.em.fork().findOneOrFail(Connection, { integration: row.id, user: null });
    expect(connection.expiresAt!.getTime() - Date.now()).toBeGreaterThan(TTL_S * 1000 - 1500);
  });

  it("makes one token request for 50 concurrent callers", async () => {
    const row = await integration("client_credentials");
    const before = requests("client_credentials");
    upstream.tokenFailure = { kind: "slow", ms: 300 };
    const tokens = await Promise.all(Array.from({ length: 50 }, () => get(row.id)));
    expect(new Set(tokens).size).toBe(1);
    expect(requests("client_credentials") - before).toBe(1);
    expect(await connectionRow(row.id)).toHaveLength(1);
  });

  it("serializes renewals across processes with a database lock and re-checks after taking it", async () => {
    const row = await integration("password");
    const before = requests("password");
    upstream.tokenFailure = { kind: "slow", ms: 300 };
    // Each call as a separate process would make it: its own transaction, no shared in-process flight.
    const now = new Date();
    const tokens = await Promise.all(
      Array.from({ length: 4 }, () => renewServiceToken(server.orm.em, server.keyring, LOOPBACK_OK, row.id, now)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(requests("password") - before).toBe(1);
    expect(await connectionRow(row.id)).toHaveLength(1);
  });

  it("reports a wrong password as the upstream's invalid_grant and records it on the row, without secrets", async () => {
    const row = await integration("password", { password: "wrong-password-123" });
    const error = await rejection(get(row.id));
    expect(error).toMatchObject({ code: "upstream_error", upstreamError: "invalid_grant" });
    expect(error.message).not.toContain("wrong-password-123");
    const [stored] = await connectionRow(row.id);
    expect(stored).toMatchObject({ access_token_encrypted: null, error: expect.stringContaining("invalid_grant") });
    expect(stored!.error).not.toContain("wrong-password-123");
    const events = await server.orm.em.fork().find(Event, { type: SERVICE_TOKEN_FAILED_EVENT, subjectId: row.id });
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ code: "upstream_error", upstreamError: "invalid_grant" });
    // The same failure again is on the row already: no second audit entry.
    await rejection(get(row.id));
    expect(await server.orm.em.fork().count(Event, { type: SERVICE_TOKEN_FAILED_EVENT, subjectId: row.id })).toBe(1);
  });

  it("reports an HTML answer as upstream_bad_response", async () => {
    const row = await integration("client_credentials");
    upstream.tokenFailure = { kind: "html" };
    expect(await rejection(get(row.id))).toMatchObject({ code: "upstream_bad_response" });
    expect((await connectionRow(row.id))[0]).toMatchObject({ access_token_encrypted: null });
  });

  it("refuses a token URL over plain http on a remote host before sending anything", async () => {
    const row = await integration("client_credentials", { tokenUrl: "http://token.example.com/oauth/token" });
    const error = await rejection(get(row.id));
    expect(error).toMatchObject({ code: "upstream_misconfigured" });
    expect(error.message).toMatch(/https/);
  });

  it("refuses an authorization_code integration and stores nothing for it", async () => {
    const row = await integration("authorization_code", { ...WEB, authorizeUrl: upstream.endpoints.authorization });
    expect(await rejection(get(row.id))).toMatchObject({ code: "upstream_misconfigured" });
    expect(await connectionRow(row.id)).toHaveLength(0);
  });

  it("renews with the stored refresh token first, and falls back to a new grant when the upstream refuses it", async () => {
    const row = await integration("client_credentials");
    const issued = new Date(Date.now() - 120_000);
    const em = server.orm.em.fork();
    const id = crypto.randomUUID();
    em.create(Connection, {
      id,
      integration: row.id,
      user: null,
      status: "active",
      ...sealTokenResponse(
        server.keyring,
        id,
        { access_token: "stale-access", refresh_token: "unknown-refresh", token_type: "bearer", expires_in: 60 },
        issued,
        { refreshTokenEncrypted: null, scopes: [] },
      ),
      lastRefreshedAt: issued,
      error: null,
      createdAt: issued,
      updatedAt: issued,
    });
    await em.flush();
    const [refreshes, grants] = [requests("refresh_token"), requests("client_credentials")];
    const token = await get(row.id);
    expect(token).not.toBe("stale-access");
    expect(await introspect(token)).toMatchObject({ active: true });
    expect([requests("refresh_token") - refreshes, requests("client_credentials") - grants]).toEqual([1, 1]);
    expect((await connectionRow(row.id))[0]).toMatchObject({ refresh_token_encrypted: null, error: null });
  });

  it("keeps serving the stored token while it is unexpired if a renewal fails, and never an expired one", async () => {
    const row = await integration("client_credentials");
    const t0 = new Date();
    const token = await get(row.id, t0);
    upstream.tokenFailure = { kind: "oauth_error", error: "invalid_scope" };
    // Inside the renewal margin but before expiry: the renewal fails, the stored token is still good.
    expect(await get(row.id, new Date(t0.getTime() + 3000))).toBe(token);
    expect((await connectionRow(row.id))[0]!.error).toContain("invalid_scope");
    // Past expiry: nothing to fall back on.
    const error = await rejection(get(row.id, new Date(t0.getTime() + (TTL_S + 1) * 1000)));
    expect(error).toMatchObject({ code: "upstream_error", upstreamError: "invalid_scope" });
    expect(error.message).not.toContain(token);

    upstream.tokenFailure = undefined;
    const renewed = await get(row.id, new Date(t0.getTime() + (TTL_S + 1) * 1000));
    expect(renewed).not.toBe(token);
    expect((await connectionRow(row.id))[0]!.error).toBeNull();
  });
});

describe("an upstream token endpoint that refuses the client (RFC 6749 §5.2)", () => {
  it.each([
    ["with a Basic challenge", 'Basic realm="upstream"'],
    ["with a challenge that names the error", 'Basic realm="upstream", error="invalid_client"'],
    ["without a challenge", undefined],
  ])("is reported as invalid_client %s, not invalid_token", async (_name, challenge) => {
    const row = await integration("client_credentials");
    upstream.tokenFailure = { kind: "oauth_error", error: "invalid_client", status: 401, challenge };
    try {
      const error = await rejection(get(row.id));
      expect(error).toMatchObject({ code: "upstream_error", upstreamError: "invalid_client" });
      expect(error.message).toMatch(/invalid_client/);
    } finally {
      upstream.tokenFailure = undefined;
    }
  });

  it("keeps invalid_token for a Bearer challenge without an error (a resource refusing a token, RFC 6750 §3)", async () => {
    const row = await integration("client_credentials");
    upstream.tokenFailure = { kind: "oauth_error", error: "whatever", status: 401, challenge: 'Bearer realm="api"' };
    try {
      expect(await rejection(get(row.id))).toMatchObject({ code: "upstream_error", upstreamError: "invalid_token" });
    } finally {
      upstream.tokenFailure = undefined;
    }
  });
});

describe("testIntegration", () => {
  const run = (integrationId: string, org = organizationId) =>
    testIntegration(
      server.orm.em.fork(),
      server.keyring,
      LOOPBACK_OK,
      { integrationId, organizationId: org },
      new Date(),
    );

  it("reports the upstream's answer for good client_credentials and password integrations, without a token", async () => {
    const cc = await integration("client_credentials");
    const stored = await get(cc.id);
    const result = await run(cc.id);
    expect(result).toEqual({
      ok: true,
      grantType: "client_credentials",
      tokenType: "bearer",
      expiresIn: TTL_S,
      scopes: ["files.read"],
    });
    // A test does not replace the stored token.
    expect(await get(cc.id)).toBe(stored);

    expect(await run((await integration("password")).id)).toMatchObject({ ok: true, grantType: "password" });
  });

  it("reports the upstream error of a bad integration", async () => {
    const bad = await integration("password", { password: "not-the-password" });
    const result = await run(bad.id);
    expect(result).toMatchObject({
      ok: false,
      grantType: "password",
      error: { code: "upstream_error", upstreamError: "invalid_grant" },
    });
    expect(JSON.stringify(result)).not.toContain("not-the-password");
    const html = await integration("client_credentials");
    upstream.tokenFailure = { kind: "html" };
    expect(await run(html.id)).toMatchObject({ ok: false, error: { code: "upstream_bad_response" } });
  });

  it("probes an authorization_code integration's token endpoint and its client credentials", async () => {
    const good = await integration("authorization_code", { ...WEB, authorizeUrl: upstream.endpoints.authorization });
    expect(await run(good.id)).toEqual({ ok: true, grantType: "authorization_code" });
    const wrongSecret = await integration("authorization_code", {
      clientId: WEB.clientId,
      clientSecret: "not-the-web-secret",
      authorizeUrl: upstream.endpoints.authorization,
    });
    expect(await run(wrongSecret.id)).toMatchObject({
      ok: false,
      error: { code: "upstream_error", upstreamError: "invalid_client" },
    });
  });

  it("does not find another organization's integration", async () => {
    const row = await integration("client_credentials");
    const other = await createUser(server.orm);
    await expect(run(row.id, other.organizationId)).rejects.toBeInstanceOf(NotFoundError);
  });
});
