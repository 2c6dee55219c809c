import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seal } from "../../../server/crypto/envelope.ts";
import { connectionAccessTokenAad, connectionRefreshTokenAad } from "../../../server/crypto/secret-aad.ts";
import {
  Connection,
  type ConnectionStatus,
  Event,
  type IntegrationCredential,
} from "../../../server/db/entities/index.ts";
import { insertIntegration } from "../../support/integration-fixtures.ts";
import { signedInAgent } from "../../support/oauth-client.ts";
import { createUser, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";
import { hiddenField, location, type UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let upstream: UpstreamProvider;
let alice: TestUser;
let bob: TestUser;
let files: IntegrationCredential;
let drive: IntegrationCredential;

beforeAll(async () => {
  server = await startTestServer({ env: { LATCH_RUN_WORKER: "false" } });
  upstream = await startUpstreamProvider({
    clients: [
      { clientId: "web", clientSecret: "web-secret-0123456789", redirectUris: [`${server.url}/oauth/callback`] },
    ],
  });
  let organizationId: string;
  ({ organizationId, user: alice } = await createUser(server.orm, { orgName: "Acme" }));
  ({ user: bob } = await createUser(server.orm));
  const common = {
    organizationId,
    grantType: "authorization_code" as const,
    clientId: "web",
    clientSecret: "web-secret-0123456789",
    authorizeUrl: upstream.endpoints.authorization,
    tokenUrl: upstream.endpoints.token,
    revocationUrl: upstream.endpoints.revocation,
  };
  files = await insertIntegration(server, { ...common, domain: "files.example", scopes: ["files.read"] });
  drive = await insertIntegration(server, { ...common, domain: "drive.example", scopes: ["drive"] });
}, 60_000);
afterAll(async () => {
  await upstream?.close();
  await server?.stop();
});

/** A connection row with sealed tokens, as the connect flow would have written it. */
async function insertConnection(integration: IntegrationCredential, user: TestUser, status: ConnectionStatus) {
  const em = server.orm.em.fork();
  const id = crypto.randomUUID();
  const now = new Date();
  const row = em.create(Connection, {
    id,
    integration: integration.id,
    user: user.id,
    status,
    accessTokenEncrypted: seal(server.keyring, `access-${id}`, connectionAccessTokenAad(id)),
    refreshTokenEncrypted: seal(server.keyring, `refresh-${id}`, connectionRefreshTokenAad(id)),
    tokenType: "bearer",
    scopes: integration.scopes,
    expiresAt: new Date(now.getTime() + 3600_000),
    lastRefreshedAt: status === "active" ? now : null,
    error: status === "needs_reauth" ? "invalid_grant" : null,
    createdAt: now,
    updatedAt: now,
  });
  await em.flush();
  return row;
}

async function page(agent: UserAgent) {
  const response = await agent.get("/account/integrations");
  expect(response.status).toBe(200);
  return response.text();
}

describe("account Connections page (seed 004)", () => {
  it("lists the user's own connections with their status, Reconnect for one that needs it, and a nav link", async () => {
    const active = await insertConnection(files, alice, "active");
    const stale = await insertConnection(drive, alice, "needs_reauth");
    const bobs = await insertConnection(files, bob, "active");
    const agent = await signedInAgent(server, alice);
    const html = await page(agent);
    expect(html).toContain('href="/account/integrations" aria-current="page">Connections</a>');
    expect(html).toContain("files.example");
    expect(html).toContain("Needs reconnecting");
    expect(html).toContain("In Acme");
    // The one needing attention comes first, with Reconnect to the connect flow of its integration.
    expect(html.indexOf("drive.example")).toBeLessThan(html.indexOf("files.example"));
    expect(html).toContain(`href="/connections/${drive.id}/start"`);
    expect(html).not.toContain(`aria-label="Reconnect files.example"`);
    expect(html).toContain(`/account/integrations/${active.id}/disconnect`);
    expect(html).toContain(`/account/integrations/${stale.id}/disconnect`);
    expect(html).not.toContain(bobs.id);
    // The other account pages link to it too.
    expect(await (await agent.get("/account/sessions")).text()).toContain('href="/account/integrations"');
  });

  it("disconnects one: revokes upstream, drops the tokens, records the user as actor, and says so", async () => {
    const row = await insertConnection(files, alice, "active");
    const agent = await signedInAgent(server, alice);
    const csrf = hiddenField(await page(agent), "csrf_token");
    const revocationsBefore = upstream.revocations.length;
    const answer = await agent.post(`/account/integrations/${row.id}/disconnect`, { csrf_token: csrf });
    expect(answer.status).toBe(303);
    expect(location(answer)).toBe("/account/integrations?done=disconnected");
    const after = await (await agent.get(location(answer))).text();
    expect(after).toContain("That service was disconnected.");
    // Disconnected, it can be connected again.
    expect(after).toContain(`href="/connections/${files.id}/start"`);
    const stored = await server.orm.em.fork().findOneOrFail(Connection, { id: row.id });
    expect(stored).toMatchObject({ status: "revoked", accessTokenEncrypted: null, refreshTokenEncrypted: null });
    expect(upstream.revocations.length).toBeGreaterThan(revocationsBefore);
    const event = await server.orm.em
      .fork()
      .findOneOrFail(Event, { type: "connection.disconnected", subjectId: row.id });
    expect(event).toMatchObject({ actorType: "user", actorId: alice.id });
  });

  it("offers no Reconnect for a workspace the user has left, only Disconnect", async () => {
    const { organizationId: elsewhere } = await createUser(server.orm, { orgName: "Former Job" });
    const left = await insertIntegration(server, {
      organizationId: elsewhere,
      grantType: "authorization_code",
      clientId: "web",
      clientSecret: "web-secret-0123456789",
      authorizeUrl: upstream.endpoints.authorization,
      tokenUrl: upstream.endpoints.token,
      domain: "former.example",
      scopes: [],
    });
    const row = await insertConnection(left, alice, "needs_reauth");
    const html = await page(await signedInAgent(server, alice));
    expect(html).toContain("In Former Job");
    expect(html).not.toContain(`href="/connections/${left.id}/start"`);
    expect(html).toContain(`/account/integrations/${row.id}/disconnect`);
  });

  it("refuses another user's connection (404, untouched) and a form without its CSRF token (403)", async () => {
    const bobs = await insertConnection(drive, bob, "active");
    const agent = await signedInAgent(server, alice);
    const csrf = hiddenField(await page(agent), "csrf_token");
    const theirs = await agent.post(`/account/integrations/${bobs.id}/disconnect`, { csrf_token: csrf });
    expect(theirs.status).toBe(404);
    expect(await theirs.text()).toContain("That connection does not exist.");
    const forged = await agent.post(`/account/integrations/${bobs.id}/disconnect`, {});
    expect(forged.status).toBe(403);
    const garbage = await agent.post("/account/integrations/not-a-uuid/disconnect", { csrf_token: csrf });
    expect(garbage.status).toBe(404);
    const stored = await server.orm.em.fork().findOneOrFail(Connection, { id: bobs.id });
    expect(stored.status).toBe("active");
    expect(stored.accessTokenEncrypted).not.toBeNull();
  });

  it("sends a signed-out browser to the login page and back", async () => {
    const response = await fetch(`${server.url}/account/integrations`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/login?return_to=${encodeURIComponent("/account/integrations")}`);
  });
});
