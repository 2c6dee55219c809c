import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { introspect, obtainCode, signedInAgent, token } from "../../support/oauth-client.ts";
import { createApp, createUser, REDIRECT, type TestApp, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import type { UserAgent } from "../../support/user-agent.ts";

/**
 * RFC 7662 §4: introspection only for whom it is meant. An app introspects the tokens issued to itself; an app the
 * organization marks as a resource server (`isResourceServer`, set through GraphQL) introspects every token of the
 * organization; anyone else, another organization's resource server included, gets `{"active": false}`.
 */

let server: TestServer;
let user: TestUser;
let organizationId: string;
let agent: UserAgent;
let admin: GraphQLClient;
let appA: TestApp;
let appB: TestApp;
let resourceServer: TestApp;

const APP_FIELDS = "id clientId isResourceServer";

async function createResourceServer(client: GraphQLClient, orgId: string, name: string): Promise<TestApp> {
  const created: any = await client.request(
    `mutation ($input: CreateApplicationInput!) {
      createApplication(input: $input) {
        __typename ... on CreateApplicationPayload { clientSecret application { ${APP_FIELDS} } }
      }
    }`,
    { input: { name, type: "CONFIDENTIAL", grantTypes: ["client_credentials"], isResourceServer: true } },
  );
  const payload = created.createApplication;
  expect(payload.application.isResourceServer).toBe(true);
  return {
    id: payload.application.id,
    clientId: payload.application.clientId,
    clientSecret: payload.clientSecret,
    organizationId: orgId,
  };
}

beforeAll(async () => {
  server = await startTestServer();
  ({ user, organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
  appA = await createApp(server.orm, organizationId, { name: "App A" });
  appB = await createApp(server.orm, organizationId, { name: "App B" });
  resourceServer = await createResourceServer(admin, organizationId, "Resource server R");
  agent = await signedInAgent(server, user);
});
afterAll(() => server?.stop());

async function userTokens(app: TestApp): Promise<{ access_token: string; refresh_token: string }> {
  const code = await obtainCode(server, agent, user, app);
  const response = await token(server, app, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
  expect(response.status, response.text).toBe(200);
  return response.body as never;
}

describe("who may introspect a token (RFC 7662 §4)", () => {
  it("another app of the organization learns nothing about A's access and refresh tokens", async () => {
    const tokens = await userTokens(appA);
    for (const value of [tokens.access_token, tokens.refresh_token]) {
      const answer = await introspect(server, appB, value);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ active: false });
    }
  });

  it("A introspects its own access and refresh tokens", async () => {
    const tokens = await userTokens(appA);
    expect((await introspect(server, appA, tokens.access_token)).body).toMatchObject({
      active: true,
      client_id: appA.clientId,
      token_type: "Bearer",
      sub: user.id,
    });
    expect((await introspect(server, appA, tokens.refresh_token)).body).toMatchObject({
      active: true,
      client_id: appA.clientId,
      token_type: "refresh_token",
    });
  });

  it("a resource server of the organization introspects A's tokens, and A's client_credentials token", async () => {
    const tokens = await userTokens(appA);
    for (const value of [tokens.access_token, tokens.refresh_token]) {
      expect((await introspect(server, resourceServer, value)).body).toMatchObject({
        active: true,
        client_id: appA.clientId,
      });
    }
    const service = await token(server, appA, { grant_type: "client_credentials", scope: "identify" });
    expect(service.status, service.text).toBe(200);
    expect((await introspect(server, resourceServer, service.body.access_token)).body).toMatchObject({
      active: true,
      client_id: appA.clientId,
    });
  });

  it("a resource server of another organization gets active:false, and so does R for that one's tokens", async () => {
    const tokens = await userTokens(appA);
    const other = await createUser(server.orm);
    const otherAdmin = controlPlane(server, await apiKeyFor(server, other.organizationId));
    const foreignServer = await createResourceServer(otherAdmin, other.organizationId, "Foreign resource server");
    const foreignApp = await createApp(server.orm, other.organizationId, { grantTypes: ["client_credentials"] });
    for (const value of [tokens.access_token, tokens.refresh_token]) {
      expect((await introspect(server, foreignServer, value)).body).toEqual({ active: false });
    }
    const foreign = await token(server, foreignApp, { grant_type: "client_credentials", scope: "identify" });
    expect(foreign.status, foreign.text).toBe(200);
    expect((await introspect(server, foreignServer, foreign.body.access_token)).body.active).toBe(true);
    expect((await introspect(server, resourceServer, foreign.body.access_token)).body).toEqual({ active: false });
  });

  it("updateApplication grants and withdraws the right at once (the client cache follows)", async () => {
    const tokens = await userTokens(appA);
    const set = async (value: boolean) => {
      const updated: any = await admin.request(
        `mutation ($input: UpdateApplicationInput!) {
          updateApplication(input: $input) { __typename ... on ApplicationPayload { application { isResourceServer } } }
        }`,
        { input: { id: Buffer.from(`Application:${appB.id}`).toString("base64"), isResourceServer: value } },
      );
      expect(updated.updateApplication.application.isResourceServer).toBe(value);
    };
    expect((await introspect(server, appB, tokens.access_token)).body).toEqual({ active: false });
    await set(true);
    expect((await introspect(server, appB, tokens.access_token)).body.active).toBe(true);
    expect((await introspect(server, appB, tokens.refresh_token)).body.active).toBe(true);
    await set(false);
    expect((await introspect(server, appB, tokens.access_token)).body).toEqual({ active: false });
  });

  it("a public app cannot be made a resource server", async () => {
    const created: any = await admin.request(
      `mutation ($input: CreateApplicationInput!) {
        createApplication(input: $input) { __typename ... on ValidationError { field message } }
      }`,
      { input: { name: "Public RS", type: "PUBLIC", isResourceServer: true } },
    );
    expect(created.createApplication).toMatchObject({ __typename: "ValidationError", field: "isResourceServer" });
  });
});
