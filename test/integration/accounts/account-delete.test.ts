import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Grant, Session, User } from "../../../server/db/entities/index.ts";
import type { EventWorker } from "../../../server/events/worker.ts";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { postAsClient } from "../../support/oauth-client.ts";
import {
  authorizeInBrowser,
  createApp,
  createUser,
  REDIRECT,
  signIn,
  type TestApp,
  type TestUser,
} from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, location, UserAgent } from "../../support/user-agent.ts";
import { createWebhook, SERVER_ENV, startWorker } from "../events/harness.ts";
import { type Receiver, startReceiver } from "../events/receiver.ts";

let server: TestServer;
let worker: EventWorker;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  server = await startTestServer({ env: SERVER_ENV });
  worker = await startWorker(server);
});
afterAll(async () => {
  await worker?.stop();
  await server?.stop();
  await receiver?.close();
});

type Delivered = { type: string; data: Record<string, any> };
const deliveries = (): Delivered[] => receiver.received.map((request) => JSON.parse(request.body));

async function signedIn(user: TestUser): Promise<UserAgent> {
  const agent = new UserAgent(server.url);
  expect((await signIn(agent, user, "/account/delete")).status).toBe(303);
  return agent;
}

async function confirmDelete(agent: UserAgent, confirmation: string): Promise<Response> {
  const html = await (await agent.get("/account/delete")).text();
  return agent.post("/account/delete", { csrf_token: hiddenField(html, "csrf_token"), confirmation });
}

async function userTokens(app: TestApp, user: TestUser) {
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify" })}`;
  const callback = await authorizeInBrowser(new UserAgent(server.url), user, url);
  const { body } = await postAsClient(server.url, "/oauth2/token", app, {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code")!,
    redirect_uri: REDIRECT,
  });
  return body as { access_token: string; refresh_token: string };
}

describe("deleting an account", () => {
  it("refuses a wrong confirmation, a forged form, and the last owner of a workspace, with readable pages", async () => {
    const { user } = await createUser(server.orm, { orgName: "Owned Workspace" });
    const agent = await signedIn(user);
    const forged = await agent.post("/account/delete", { csrf_token: "forged", confirmation: user.email });
    expect(forged.status).toBe(403);
    const wrong = await confirmDelete(agent, "someone-else@example.com");
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/Type your email address or your password exactly[\s\S]*aria-invalid="true"/);
    const owner = await confirmDelete(agent, user.email);
    expect(owner.status).toBe(409);
    expect(await owner.text()).toContain("You are the only owner of Owned Workspace.");
    expect(await server.orm.em.fork().count(User, { id: user.id })).toBe(1);
  });

  it("revokes grants (the token introspects inactive), ends sessions, and sends user.updated and user.deleted to webhooks", async () => {
    const { user, organizationId } = await createUser(server.orm, { role: "member" });
    const app = await createApp(server.orm, organizationId);
    const resourceServer = await createApp(server.orm, organizationId, {
      name: "Resource server",
      grantTypes: ["client_credentials"],
      isResourceServer: true,
    });
    const admin = controlPlane(server, await apiKeyFor(server, organizationId));
    await createWebhook(admin, { url: `${receiver.url}/hook`, events: ["user.updated", "user.deleted"] });
    const tokens = await userTokens(app, user);
    const introspect = (token: string) =>
      postAsClient(server.url, "/oauth2/introspect", resourceServer, { token }).then((r) => r.body);
    expect((await introspect(tokens.access_token)).active).toBe(true);

    // A profile change reaches the app's organization's webhook first.
    const agent = await signedIn(user);
    const elsewhere = await signedIn(user);
    const profile = await (await agent.get("/account/profile")).text();
    const saved = await agent.post("/account/profile", {
      csrf_token: hiddenField(profile, "csrf_token"),
      display_name: "Leaving Soon",
      avatar_url: "",
    });
    expect(saved.status).toBe(303);
    await receiver.waitFor(1);
    expect(deliveries()[0]).toMatchObject({
      type: "user.updated",
      data: { changed: ["displayName"], applicationId: app.id, subject: { type: "user", id: user.id } },
    });

    const deleted = await confirmDelete(agent, user.email.toUpperCase());
    expect(deleted.status).toBe(200);
    expect(await deleted.text()).toContain("Your account was deleted");
    expect(deleted.headers.getSetCookie().some((cookie) => /^latch_session=;/.test(cookie))).toBe(true);

    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    expect(await introspect(tokens.refresh_token)).toEqual({ active: false });
    const refreshed = await postAsClient(server.url, "/oauth2/token", app, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    });
    expect(refreshed.body.error).toBe("invalid_grant");
    const em = server.orm.em.fork();
    expect(await em.count(User, { id: user.id })).toBe(0);
    expect(await em.count(Session, { user: user.id })).toBe(0);
    expect(await em.count(Grant, { user: user.id, revokedAt: null })).toBe(0);
    expect((await elsewhere.get("/account/profile")).status).toBe(302);
    expect((await signIn(new UserAgent(server.url), user)).status).toBe(401);

    await receiver.waitFor(2);
    expect(deliveries()[1]).toMatchObject({
      type: "user.deleted",
      data: {
        revokedGrants: 1,
        deletedConnections: 0,
        organizationId,
        applicationId: app.id,
        subject: { type: "user", id: user.id },
      },
    });
    expect(location(await new UserAgent(server.url).get("/account/delete"))).toBe(
      "/login?return_to=%2Faccount%2Fdelete",
    );
  });
});
