import { Webhook as StandardWebhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookDelivery } from "../../../server/db/entities/index.ts";
import type { EventWorker } from "../../../server/events/worker.ts";
import { createLogger } from "../../../server/logger.ts";
import { globalId } from "../../support/control-plane.ts";
import { type IntegrationFixture, insertIntegration } from "../../support/integration-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { introspectUpstream, startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";
import { emitEvent, eventually, freshOrganization, SERVER_ENV, startWorker } from "./harness.ts";
import { type Receiver, startReceiver } from "./receiver.ts";

const SVC = { clientId: "svc", clientSecret: "svc-secret-for-webhooks-0123456789" };
const ROBOT = { username: "robot", password: "robot-password-for-webhooks" };
const WRONG_PASSWORD = "wrong-robot-password-9876";

let server: TestServer;
let upstream: UpstreamProvider;
let receiver: Receiver;
let worker: EventWorker;
const logs: string[] = [];

beforeAll(async () => {
  [server, upstream, receiver] = await Promise.all([
    startTestServer({ env: SERVER_ENV }),
    startUpstreamProvider({
      clients: [{ ...SVC, grantTypes: ["client_credentials", "password"] }],
      passwordUsers: { [ROBOT.username]: ROBOT.password },
      clientCredentialsTtl: 60,
    }),
    startReceiver(),
  ]);
  worker = await startWorker(server, {
    logger: createLogger("debug", { write: (line: string) => void logs.push(line) }),
  });
});
afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await upstream?.close();
  await server?.stop();
});

const ERRORS = "... on Error { message code } ... on ValidationError { field }";
const CREATE = `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { __typename
  ... on CreateWebhookPayload { secret webhook { id authIntegration { id domain } } } ${ERRORS} } }`;
const UPDATE = `mutation ($input: UpdateWebhookInput!) { updateWebhook(input: $input) { __typename
  ... on WebhookPayload { webhook { id authIntegration { id } } } ${ERRORS} } }`;

function integration(organizationId: string, fixture: Partial<IntegrationFixture> = {}) {
  return insertIntegration(server, {
    organizationId,
    domain: `svc-${crypto.randomUUID()}.example.com`,
    grantType: "client_credentials",
    ...SVC,
    tokenUrl: upstream.endpoints.token,
    ...fixture,
  });
}

/** Asks the upstream itself whether it honours the token (RFC 7662). */
const introspect = (token: string) => introspectUpstream(upstream, SVC, token);

describe("webhook deliveries authenticated by a service integration", () => {
  it("sends Authorization: Bearer with a token the integration's upstream honours, beside the signature", async () => {
    const { organizationId, admin } = await freshOrganization(server);
    const service = await integration(organizationId, { grantType: "password", ...ROBOT });
    const created: any = await admin.request(CREATE, {
      input: {
        url: `${receiver.url}/bearer/${organizationId}`,
        events: ["*"],
        authIntegrationId: globalId("Integration", service.id),
      },
    });
    expect(created.createWebhook).toMatchObject({
      __typename: "CreateWebhookPayload",
      webhook: { authIntegration: { id: globalId("Integration", service.id), domain: service.domain } },
    });

    const before = receiver.received.length;
    const eventId = await emitEvent(server, { type: "user.updated", organizationId });
    await receiver.waitFor(before + 1);
    const request = receiver.received.find((r) => r.headers["webhook-id"] === eventId)!;
    expect(request.path).toBe(`/bearer/${organizationId}`);
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    expect(token).toEqual(expect.any(String));
    expect(await introspect(token!)).toMatchObject({ active: true, client_id: SVC.clientId });
    expect(new StandardWebhook(created.createWebhook.secret).verify(request.body, request.headers)).toMatchObject({
      type: "user.updated",
    });
    expect(logs.join("\n")).not.toContain(token!);

    // Cleared, the next delivery is only signed.
    const cleared: any = await admin.request(UPDATE, {
      input: { id: created.createWebhook.webhook.id, authIntegrationId: null },
    });
    expect(cleared.updateWebhook).toMatchObject({ __typename: "WebhookPayload", webhook: { authIntegration: null } });
    const next = await emitEvent(server, { type: "user.updated", organizationId });
    await eventually(async () => receiver.received.find((r) => r.headers["webhook-id"] === next));
    expect(receiver.received.find((r) => r.headers["webhook-id"] === next)!.headers.authorization).toBeUndefined();
  });

  it("fails and retries the attempt when no token can be had, recording why and logging no secret", async () => {
    const { organizationId, admin } = await freshOrganization(server);
    const broken = await integration(organizationId, { grantType: "password", ...ROBOT, password: WRONG_PASSWORD });
    const created: any = await admin.request(CREATE, {
      input: {
        url: `${receiver.url}/broken/${organizationId}`,
        events: ["*"],
        authIntegrationId: globalId("Integration", broken.id),
      },
    });
    const webhookId = Buffer.from(created.createWebhook.webhook.id, "base64").toString().split(":")[1]!;
    await emitEvent(server, { type: "user.updated", organizationId });
    const attempts = await eventually(async () => {
      const rows = await server.orm.em
        .fork()
        .find(WebhookDelivery, { webhook: webhookId }, { orderBy: { attempt: "asc" } });
      return rows.length >= 2 && rows;
    });
    expect(attempts[0]).toMatchObject({ attempt: 1, status: "failed", responseStatus: null });
    expect(attempts[0]!.error).toMatch(
      /^no access token from the webhook's auth integration \(upstream_error: .*invalid_grant/,
    );
    expect(attempts[0]!.nextAttemptAt).not.toBeNull();
    expect(receiver.received.some((r) => r.path === `/broken/${organizationId}`)).toBe(false);
    const logged = logs.join("\n");
    expect(logged).toContain("invalid_grant");
    for (const secret of [WRONG_PASSWORD, ROBOT.password, SVC.clientSecret]) expect(logged).not.toContain(secret);
  });

  it("accepts only a client_credentials or password integration of the same organization", async () => {
    const { organizationId, admin } = await freshOrganization(server);
    const other = await freshOrganization(server);
    const userFlow = await integration(organizationId, {
      grantType: "authorization_code",
      authorizeUrl: upstream.endpoints.authorization,
    });
    const foreign = await integration(other.organizationId);
    const cases: [string, RegExp][] = [
      [globalId("Integration", userFlow.id), /authorization_code grant/],
      [globalId("Integration", foreign.id), /integration of this organization/],
      [globalId("Application", crypto.randomUUID()), /id of an Integration/],
    ];
    for (const [authIntegrationId, message] of cases) {
      const result: any = await admin.request(CREATE, {
        input: { url: `${receiver.url}/refused`, events: ["*"], authIntegrationId },
      });
      expect(result.createWebhook).toMatchObject({ __typename: "ValidationError", field: "authIntegrationId" });
      expect(result.createWebhook.message).toMatch(message);
    }
    const listed: any = await admin.request("{ webhooks { totalCount } }");
    expect(listed.webhooks.totalCount).toBe(0);
  });
});
