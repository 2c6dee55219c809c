import net from "node:net";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../../server/db/embedded-postgres.ts";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";

/** #20 item 7: server-side calls to upstreams go through the webhooks' address guard. */

const CREATE = `mutation ($input: CreateIntegrationInput!) { createIntegration(input: $input) {
  __typename ... on IntegrationPayload { integration { id } } ... on Error { message } } }`;
const TEST = `mutation ($id: ID!) { testIntegration(integrationId: $id) {
  __typename ... on TestIntegrationPayload { ok error { code message upstreamError } } } }`;

let guarded: TestServer;
let open: TestServer;
let listener: net.Server;
let openPort: number;
let accepted = 0;
let upstream: UpstreamProvider;

const clientOf = async (server: TestServer): Promise<GraphQLClient> => {
  const { organizationId } = await createUser(server.orm);
  return controlPlane(server, await apiKeyFor(server, organizationId));
};

async function testTokenUrl(client: GraphQLClient, tokenUrl: string): Promise<any> {
  const created: any = await client.request(CREATE, {
    input: {
      domain: `probe-${crypto.randomUUID().slice(0, 8)}.example.com`,
      clientId: "probe",
      clientSecret: "probe-secret-value",
      tokenUrl,
      grantType: "CLIENT_CREDENTIALS",
    },
  });
  expect(created.createIntegration.__typename).toBe("IntegrationPayload");
  const tested: any = await client.request(TEST, { id: created.createIntegration.integration.id });
  return tested.testIntegration;
}

beforeAll(async () => {
  guarded = await startTestServer({ env: { LATCH_ALLOW_PRIVATE_WEBHOOKS: "false", LATCH_RUN_WORKER: "false" } });
  open = await startTestServer({ env: { LATCH_RUN_WORKER: "false" } });
  // Something listens here, and hangs up on whoever connects: a port scan would tell it from a closed one.
  listener = net.createServer((socket) => {
    accepted += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  openPort = (listener.address() as net.AddressInfo).port;
  upstream = await startUpstreamProvider({
    clients: [{ clientId: "svc", clientSecret: "svc-secret-0123456789", grantTypes: ["client_credentials"] }],
  });
});
afterAll(async () => {
  await new Promise((resolve) => listener?.close(resolve));
  await upstream?.close();
  await guarded?.stop();
  await open?.stop();
});

describe("upstream address guard", () => {
  it("refuses a loopback token URL before connecting, with the same error whether the port is open or closed", async () => {
    const client = await clientOf(guarded);
    const closedPort = await findFreePort();
    const atOpen = await testTokenUrl(client, `https://127.0.0.1:${openPort}/token`);
    const atClosed = await testTokenUrl(client, `https://127.0.0.1:${closedPort}/token`);
    expect(atOpen).toEqual({
      __typename: "TestIntegrationPayload",
      ok: false,
      error: {
        code: "upstream_misconfigured",
        message: expect.stringMatching(/^refused to connect to 127\.0\.0\.1: a loopback address/),
        upstreamError: null,
      },
    });
    expect(atClosed).toEqual(atOpen);
    expect(accepted).toBe(0);
  });

  it("refuses a host name after resolving it: localhost is loopback too", async () => {
    const client = await clientOf(guarded);
    const tested = await testTokenUrl(client, `https://localhost:${openPort}/token`);
    expect(tested.error.code).toBe("upstream_misconfigured");
    expect(tested.error.message).toMatch(/^refused to connect to localhost \((127\.0\.0\.1|::1)\): a loopback address/);
    expect(accepted).toBe(0);
  });

  it("refuses a loopback upstream that would otherwise answer, and reaches it with LATCH_ALLOW_PRIVATE_WEBHOOKS=true", async () => {
    const input = (client: GraphQLClient) =>
      client.request(CREATE, {
        input: {
          domain: "svc.example.com",
          clientId: "svc",
          clientSecret: "svc-secret-0123456789",
          tokenUrl: upstream.endpoints.token,
          grantType: "CLIENT_CREDENTIALS",
        },
      });
    const refusedClient = await clientOf(guarded);
    const refused: any = await input(refusedClient);
    const before = upstream.tokenRequests.get("client_credentials") ?? 0;
    const tested: any = await refusedClient.request(TEST, { id: refused.createIntegration.integration.id });
    expect(tested.testIntegration).toMatchObject({ ok: false, error: { code: "upstream_misconfigured" } });
    expect(upstream.tokenRequests.get("client_credentials") ?? 0).toBe(before);

    const allowedClient = await clientOf(open);
    const allowed: any = await input(allowedClient);
    const ok: any = await allowedClient.request(TEST, { id: allowed.createIntegration.integration.id });
    expect(ok.testIntegration).toMatchObject({ ok: true, error: null });
    expect(upstream.tokenRequests.get("client_credentials")).toBe(before + 1);
  });
});
