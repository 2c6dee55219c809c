import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { token } from "../../support/oauth-client.ts";
import { createApp, createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
});
afterAll(() => server?.stop());

type Apps = { applications: { edges: { node: { name: string; lastActivityAt: string | null } }[] } };
const APPS = /* GraphQL */ `
  query {
    applications(first: 100) {
      edges {
        node {
          name
          lastActivityAt
        }
      }
    }
  }
`;

describe("Application.lastActivityAt", () => {
  it("is when the app last authenticated for a token, and null for an app never used", async () => {
    const busy = await createApp(server.orm, organizationId, { name: "Busy" });
    await createApp(server.orm, organizationId, { name: "Quiet" });
    const before = Date.now();
    const first = await token(server, busy, { grant_type: "client_credentials" });
    expect(first.status).toBe(200);
    const read = async () =>
      Object.fromEntries(
        (await admin.request<Apps>(APPS)).applications.edges.map(({ node }) => [node.name, node.lastActivityAt]),
      );
    const once = await read();
    expect(once.Quiet).toBeNull();
    const at = Date.parse(once.Busy!);
    // The client secret's use is written with the request's time; the database's and this process's clocks agree.
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);

    // The page holds the workspace's two apps; reading again reads the same time (reading writes nothing).
    expect(Object.keys(once).sort()).toEqual(["Busy", "Quiet"]);
    expect((await read()).Busy).toBe(once.Busy);
  });
});
