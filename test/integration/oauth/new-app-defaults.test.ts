import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { postAsClient } from "../../support/oauth-client.ts";
import { authorizeInBrowser, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let admin: GraphQLClient;

const REDIRECT = "https://myapp.example/callback";

beforeAll(async () => {
  server = await startTestServer();
  const { organizationId } = await createUser(server.orm);
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
});
afterAll(() => server?.stop());

/** An app created the way the seeds do: a name, a type and redirect URIs, nothing else. */
async function createPlainApp(name: string, type: "CONFIDENTIAL" | "PUBLIC") {
  const result: any = await admin.request(
    `mutation ($input: CreateApplicationInput!) { createApplication(input: $input) {
      __typename ... on CreateApplicationPayload { clientSecret application { id clientId allowedScopes grantTypes } } } }`,
    { input: { name, type, redirectUris: [REDIRECT] } },
  );
  expect(result.createApplication.__typename).toBe("CreateApplicationPayload");
  return result.createApplication as {
    clientSecret: string | null;
    application: { id: string; clientId: string; allowedScopes: string[]; grantTypes: string[] };
  };
}

describe("a new app created with only a name and redirect URIs", () => {
  it("may ask for the identity scopes, so seed 001's authorize URL (scope=identify guilds) runs as written", async () => {
    const created = await createPlainApp("Seed 001 bot", "CONFIDENTIAL");
    expect(created.application.allowedScopes).toEqual([
      "openid",
      "profile",
      "email",
      "identify",
      "guilds",
      "offline_access",
    ]);
    const { user } = await createUser(server.orm);
    const callback = await authorizeInBrowser(
      new UserAgent(server.url),
      user,
      `/oauth2/authorize?response_type=code&client_id=${created.application.clientId}&scope=identify+guilds&redirect_uri=${encodeURIComponent(REDIRECT)}`,
    );
    expect(callback.searchParams.get("error")).toBeNull();
    const app: TestApp = {
      id: "",
      clientId: created.application.clientId,
      clientSecret: created.clientSecret!,
      organizationId: "",
    };
    const tokens = await postAsClient(server.url, "/oauth2/token", app, {
      grant_type: "authorization_code",
      code: callback.searchParams.get("code")!,
      redirect_uri: REDIRECT,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toBe("identify guilds");
  });

  it("keeps workspace scopes explicit: one not allowed is refused with invalid_scope", async () => {
    const created = await createPlainApp("No workspace scopes", "CONFIDENTIAL");
    const { user } = await createUser(server.orm);
    const callback = await authorizeInBrowser(
      new UserAgent(server.url),
      user,
      `/oauth2/authorize?response_type=code&client_id=${created.application.clientId}&scope=chat:read&redirect_uri=${encodeURIComponent(REDIRECT)}`,
    );
    expect(callback.searchParams.get("error")).toBe("invalid_scope");
  });

  it("can use client credentials when confidential (seed 003's server-to-server case), never when public", async () => {
    const confidential = await createPlainApp("Seed 003 service", "CONFIDENTIAL");
    expect(confidential.application.grantTypes).toContain("client_credentials");
    const app: TestApp = {
      id: "",
      clientId: confidential.application.clientId,
      clientSecret: confidential.clientSecret!,
      organizationId: "",
    };
    const machine = await postAsClient(server.url, "/oauth2/token", app, { grant_type: "client_credentials" });
    expect(machine.status).toBe(200);
    expect(machine.body.token_type).toBe("Bearer");

    const spa = await createPlainApp("Seed SPA", "PUBLIC");
    expect(spa.application.grantTypes).not.toContain("client_credentials");
    expect(spa.clientSecret).toBeNull();
  });
});
