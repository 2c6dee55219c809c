import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExternalIdentity } from "../../../server/db/entities/index.ts";
import { token } from "../../support/oauth-client.ts";
import { authorizeInBrowser, createApp, createUser, REDIRECT, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let app: TestApp;

beforeAll(async () => {
  server = await startTestServer();
  const { organizationId } = await createUser(server.orm);
  app = await createApp(server.orm, organizationId, { allowedScopes: ["identify", "connections"] });
});
afterAll(() => server?.stop());

/** A user's access token with `scope`, through the real code flow. */
async function accessToken(user: Awaited<ReturnType<typeof createUser>>["user"], scope: string): Promise<string> {
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope })}`;
  const callback = await authorizeInBrowser(new UserAgent(server.url), user, url);
  const answer = await token(server, app, {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code")!,
    redirect_uri: REDIRECT,
  });
  return (answer.body as { access_token: string }).access_token;
}

function link(userId: string, kind: "github" | "google", subject: string, displayName: string | null) {
  const em = server.orm.em.fork();
  em.create(ExternalIdentity, {
    user: userId,
    kind,
    issuer: `https://${kind}.example`,
    subject,
    displayName,
    createdAt: new Date(),
  });
  return em.flush();
}

const connections = (accessToken: string) =>
  fetch(`${server.url}/api/v1/users/@me/connections`, { headers: { authorization: `Bearer ${accessToken}` } });

describe("GET /api/v1/users/@me/connections", () => {
  it("lists the user's linked accounts, and only theirs, in Discord's connection shape", async () => {
    const { user } = await createUser(server.orm);
    const { user: other } = await createUser(server.orm);
    await link(user.id, "github", "583231", "octocat");
    await link(user.id, "google", "10769150350006150715113082367", null);
    await link(other.id, "github", "999", "someone-else");

    const response = await connections(await accessToken(user, "identify connections"));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body).toEqual([
      expect.objectContaining({ id: "583231", name: "octocat", type: "github", verified: true, revoked: false }),
      expect.objectContaining({ id: "10769150350006150715113082367", type: "google" }),
    ]);
  });

  it("answers an empty list for a user with none, and insufficient_scope without the connections scope", async () => {
    const { user } = await createUser(server.orm);
    expect(await (await connections(await accessToken(user, "identify connections"))).json()).toEqual([]);

    const narrow = await connections(await accessToken(user, "identify"));
    expect(narrow.status).toBe(403);
    expect(narrow.headers.get("www-authenticate")).toMatch(/error="insufficient_scope"/);
    const anonymous = await fetch(`${server.url}/api/v1/users/@me/connections`);
    expect(anonymous.status).toBe(401);
  });
});
