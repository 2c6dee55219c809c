import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "../../support/graphql.ts";
import { postAsClient } from "../../support/oauth-client.ts";
import { authorizeInBrowser, createApp, createUser, REDIRECT, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let app: TestApp;

beforeAll(async () => {
  server = await startTestServer();
  const { organizationId } = await createUser(server.orm);
  app = await createApp(server.orm, organizationId, { allowedScopes: ["identify", "admin"] });
});
afterAll(() => server?.stop());

async function accessToken(role: "owner" | "member", scope: string): Promise<string> {
  const { user, organizationId } = await createUser(server.orm, { role });
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope })}`;
  const callback = await authorizeInBrowser(new UserAgent(server.url), user, url, { workspace: organizationId });
  const { body } = await postAsClient(server.url, "/oauth2/token", app, {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code")!,
    redirect_uri: REDIRECT,
  });
  return body.access_token;
}

describe("the control plane with a user's access token", () => {
  it("accepts a token carrying the admin scope of a workspace its user administers", async () => {
    const token = await accessToken("owner", "identify admin");
    const { status, json } = await postGraphQL(
      server.url,
      { query: "{ viewer { kind scopes } applications { totalCount } }" },
      token,
    );
    expect(status).toBe(200);
    expect(json.data.viewer).toEqual({ kind: "USER", scopes: ["admin"] });
    expect(json.data.applications.totalCount).toBe(0);
  });

  it("refuses a token without the admin scope, and an admin-scoped token of a mere member", async () => {
    for (const token of [await accessToken("owner", "identify"), await accessToken("member", "identify admin")]) {
      const { status, json } = await postGraphQL(server.url, { query: "{ viewer { kind } }" }, token);
      expect(status).toBe(401);
      expect(json.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
  });
});
