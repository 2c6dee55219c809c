import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Grant, Membership, Organization } from "../../../server/db/entities/index.ts";
import { introspect, postAsClient } from "../../support/oauth-client.ts";
import { createApp, createUser, REDIRECT, signIn, type TestApp, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, location, UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let owner: TestUser;
let organizationId: string;
let app: TestApp;

beforeAll(async () => {
  server = await startTestServer();
  ({ user: owner, organizationId } = await createUser(server.orm, { orgName: "Acme" }));
  app = await createApp(server.orm, organizationId, {
    name: "Helper Bot",
    allowedScopes: ["bot", "identify", "guilds"],
  });
});
afterAll(() => server?.stop());

async function consentPage(agent: UserAgent, user: TestUser, query: Record<string, string>) {
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, ...query })}`;
  let response = await agent.get(url);
  if (response.status === 302 && location(response).startsWith("/login")) {
    await signIn(agent, user, url);
    response = await agent.get(url);
  }
  return response;
}

describe("bot install flow", () => {
  it("asks a workspace admin to install with the permissions, and ends on a confirmation page without a redirect URI", async () => {
    const agent = new UserAgent(server.url);
    const page = await consentPage(agent, owner, { scope: "bot", permissions: "2048", guild_id: organizationId });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Helper Bot");
    expect(html).toContain("Acme");
    const done = await agent.post("/oauth2/authorize/decision", {
      request_id: hiddenField(html, "request_id"),
      csrf_token: hiddenField(html, "csrf_token"),
      decision: "allow",
      workspace: organizationId,
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("was added to Acme");
    const grant = await server.orm.em
      .fork()
      .findOneOrFail(Grant, { application: app.id, user: owner.id, organization: organizationId });
    expect(grant.permissions).toBe("2048");
    expect(grant.scopes).toEqual(["bot"]);
  });

  it("refuses a member who does not administer any workspace", async () => {
    const { user: member } = await createUser(server.orm, { role: "member" });
    const page = await consentPage(new UserAgent(server.url), member, { scope: "bot", permissions: "8" });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("owner or admin");
  });

  it("refuses a permissions value that is not a non-negative integer", async () => {
    const page = await consentPage(new UserAgent(server.url), owner, { scope: "bot", permissions: "-1" });
    expect(page.status).toBe(400);
    expect(page.headers.get("location")).toBeNull();
  });
});

describe("workspaces a grant covers", () => {
  it("lists only the workspace picked on the consent page at /api/v1/users/@me/guilds", async () => {
    const em = server.orm.em.fork();
    const now = new Date();
    const other = em.create(Organization, {
      name: "Side project",
      slug: `side-${Date.now()}`,
      createdAt: now,
      updatedAt: now,
    });
    em.create(Membership, { user: owner.id, organization: other, role: "member", createdAt: now });
    await em.flush();

    const agent = new UserAgent(server.url);
    const page = await consentPage(agent, owner, {
      scope: "identify guilds",
      redirect_uri: REDIRECT,
      response_type: "code",
      state: "x",
    });
    const html = await page.text();
    expect(html).toContain("Side project");
    const decided = await agent.post("/oauth2/authorize/decision", {
      request_id: hiddenField(html, "request_id"),
      csrf_token: hiddenField(html, "csrf_token"),
      decision: "allow",
      workspace: other.id,
    });
    const code = new URL(location(decided)).searchParams.get("code")!;
    const { body: token } = await postAsClient(server.url, "/oauth2/token", app, {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
    });
    const guilds = await fetch(`${server.url}/api/v1/users/@me/guilds`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect(guilds.status).toBe(200);
    expect(await guilds.json()).toEqual([
      { id: other.id, name: "Side project", slug: other.slug, owner: false, role: "member" },
    ]);
    // Seed 000: access applies only to the workspace the user authorized; @me says which, in Discord's shape.
    const me = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect(me.status).toBe(200);
    const body = await me.json();
    expect(body).toMatchObject({ id: owner.id, discriminator: "0", workspace_id: other.id });
    expect(body.workspace_id).not.toBe(organizationId);
    // ...and so does introspection, for a resource server that only sees the token.
    const introspected = await introspect(server, app, token.access_token);
    expect(introspected.body).toMatchObject({ active: true, workspace_id: other.id });
    // ...and the JWT itself carries it, from the code exchange and from every rotation after it.
    expect(decodeJwt(token.access_token).workspace_id).toBe(other.id);
    expect(token.refresh_token).toBeTypeOf("string");
    const refreshed = await postAsClient(server.url, "/oauth2/token", app, {
      grant_type: "refresh_token",
      refresh_token: token.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token).workspace_id).toBe(other.id);
    const narrowed = await postAsClient(server.url, "/oauth2/token", app, {
      grant_type: "refresh_token",
      refresh_token: refreshed.body.refresh_token,
      scope: "identify",
    });
    expect(narrowed.status).toBe(200);
    expect(decodeJwt(narrowed.body.access_token).workspace_id).toBe(other.id);
    // A token with no workspace behind it (client credentials) has no such claim.
    const machine = await postAsClient(server.url, "/oauth2/token", app, { grant_type: "client_credentials" });
    expect(machine.status).toBe(200);
    expect(decodeJwt(machine.body.access_token)).not.toHaveProperty("workspace_id");
  });

  it("refuses a workspace the user does not belong to", async () => {
    const stranger = await createUser(server.orm);
    const agent = new UserAgent(server.url);
    const page = await consentPage(agent, owner, {
      scope: "identify",
      redirect_uri: REDIRECT,
      response_type: "code",
      prompt: "consent",
    });
    const html = await page.text();
    const decided = await agent.post("/oauth2/authorize/decision", {
      request_id: hiddenField(html, "request_id"),
      csrf_token: hiddenField(html, "csrf_token"),
      decision: "allow",
      workspace: stranger.organizationId,
    });
    const target = new URL(location(decided));
    expect(target.searchParams.get("error")).toBe("invalid_request");
    expect(target.searchParams.get("code")).toBeNull();
  });
});
