import { Webhook as StandardWebhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event } from "../../../server/db/entities/index.ts";
import { apiKeyFor, controlPlane, globalId, graphqlErrors } from "../../support/control-plane.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import {
  createWebhook,
  emitEvent,
  eventsOf,
  eventually,
  freshOrganization,
  SERVER_ENV,
  startWorker,
} from "./harness.ts";
import { startReceiver } from "./receiver.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: SERVER_ENV });
});
afterAll(() => server?.stop());

const ERRORS = `... on Error { message code } ... on ValidationError { field } ... on NotFoundError { resource }`;
const DELIVERY = `id messageId eventId eventType attempt trigger status responseStatus responseBody responseBytes durationMs error
  nextAttemptAt createdAt webhook { id }`;
const SEND_TEST = `mutation ($id: ID!) { sendTestWebhookEvent(webhookId: $id) {
  __typename ... on SendTestWebhookEventPayload { messageId webhook { id } } ${ERRORS} } }`;
const REDELIVER = `mutation ($id: ID!) { redeliverWebhookDelivery(id: $id) {
  __typename ... on RedeliverWebhookDeliveryPayload { delivery { id attempt } webhook { id } } ${ERRORS} } }`;
const LOG = `query ($webhook: ID, $event: ID, $status: WebhookDeliveryStatus) {
  deliveries(webhookId: $webhook, eventId: $event, status: $status, first: 50) { totalCount edges { node { ${DELIVERY} } } } }`;

describe("the delivery log and its mutations in GraphQL", () => {
  it("sends a signed test event, even to a webhook it does not subscribe to, and shows the attempt as the receiver saw it", async () => {
    const receiver = await startReceiver();
    receiver.reply = () => ({ status: 202, body: "thanks" });
    const worker = await startWorker(server);
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `${receiver.url}/test`, events: ["grant.revoked"] });
      const sent: any = await admin.request(SEND_TEST, { id: hook.globalId });
      expect(sent.sendTestWebhookEvent).toMatchObject({
        __typename: "SendTestWebhookEventPayload",
        webhook: { id: hook.globalId },
      });
      const messageId = sent.sendTestWebhookEvent.messageId as string;
      const [request] = await receiver.waitFor(1);
      expect(request!.headers["webhook-id"]).toBe(messageId);
      expect(new StandardWebhook(hook.secret).verify(request!.body, request!.headers)).toMatchObject({
        type: "webhook.test",
        data: { webhookId: hook.id, subject: { type: "webhook", id: hook.id }, actor: { type: "api_key" } },
      });

      const log: any = await eventually(async () => {
        const result: any = await admin.request(LOG, { event: messageId });
        return result.deliveries.edges.length === 1 && result;
      });
      const [edge] = log.deliveries.edges;
      expect(edge.node).toMatchObject({
        messageId,
        eventId: globalId("Event", messageId),
        eventType: "webhook.test",
        attempt: 1,
        trigger: "TEST",
        status: "SUCCEEDED",
        responseStatus: 202,
        // The receiver is on 127.0.0.1 (allowed here): its answer's size is shown, never its body.
        responseBody: null,
        responseBytes: 6,
        error: null,
        nextAttemptAt: null,
        webhook: { id: hook.globalId },
      });
      expect(edge.node.durationMs).toBeGreaterThanOrEqual(0);

      const viaWebhook: any = await admin.request(
        `query ($id: ID!) { node(id: $id) { ... on Webhook { consecutiveFailures deliveries(first: 5) { totalCount edges { node { id } } } } } }`,
        { id: hook.globalId },
      );
      expect(viaWebhook.node).toEqual({
        consecutiveFailures: 0,
        deliveries: { totalCount: 1, edges: [{ node: { id: edge.node.id } }] },
      });
      const node: any = await admin.request(
        `query ($id: ID!) { node(id: $id) { ... on WebhookDelivery { ${DELIVERY} } } }`,
        {
          id: edge.node.id,
        },
      );
      expect(node.node).toEqual(edge.node);
      const [audit] = await eventsOf(server, organizationId, "webhook.test");
      expect(audit).toMatchObject({ id: messageId, subjectId: hook.id, actorType: "api_key" });
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("redelivers a failed attempt as a new one with the same webhook-id, newest first in the log", async () => {
    const receiver = await startReceiver();
    let fail = true;
    receiver.reply = () => (fail ? { status: 500, body: "not now" } : { status: 200, body: "ok" });
    const worker = await startWorker(server, { retrySchedule: [0] });
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `${receiver.url}/redeliver` });
      const eventId = await emitEvent(server, { type: "grant.revoked", organizationId });
      await receiver.waitFor(1);
      const failed: any = await eventually(async () => {
        const result: any = await admin.request(LOG, { webhook: hook.globalId, status: "FAILED" });
        return result.deliveries.edges.length === 1 && result.deliveries.edges[0].node;
      });
      expect(failed).toMatchObject({
        attempt: 1,
        trigger: "EVENT",
        responseStatus: 500,
        responseBody: null,
        responseBytes: 7,
        error: "HTTP 500",
      });

      fail = false;
      const redelivered: any = await admin.request(REDELIVER, { id: failed.id });
      expect(redelivered.redeliverWebhookDelivery).toEqual({
        __typename: "RedeliverWebhookDeliveryPayload",
        delivery: { id: failed.id, attempt: 1 },
        webhook: { id: hook.globalId },
      });
      const received = await receiver.waitFor(2);
      expect(received.map((r) => r.headers["webhook-id"])).toEqual([eventId, eventId]);
      expect(new StandardWebhook(hook.secret).verify(received[1]!.body, received[1]!.headers)).toMatchObject({
        type: "grant.revoked",
      });
      const log: any = await eventually(async () => {
        const result: any = await admin.request(LOG, { webhook: hook.globalId });
        return result.deliveries.edges.length === 2 && result;
      });
      expect(
        log.deliveries.edges.map((e: any) => [e.node.attempt, e.node.trigger, e.node.status, e.node.responseBytes]),
      ).toEqual([
        [2, "REDELIVERY", "SUCCEEDED", 2],
        [1, "EVENT", "FAILED", 7],
      ]);
      const [audit] = await eventsOf(server, organizationId, "webhook.redelivery_requested");
      expect(audit!.payload).toEqual({
        webhookId: hook.id,
        deliveryId: Buffer.from(failed.id, "base64").toString().split(":")[1],
        eventId,
        eventType: "grant.revoked",
      });

      // Past retention there is nothing left to send.
      await server.orm.em.fork().nativeDelete(Event, { id: eventId });
      const pruned: any = await admin.request(REDELIVER, { id: failed.id });
      expect(pruned.redeliverWebhookDelivery).toMatchObject({ __typename: "ValidationError", field: "id" });
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("keeps each organization's log to itself and needs webhooks:write", async () => {
    const receiver = await startReceiver();
    const worker = await startWorker(server);
    try {
      const { admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `${receiver.url}/private` });
      const sent: any = await admin.request(SEND_TEST, { id: hook.globalId });
      const messageId = sent.sendTestWebhookEvent.messageId;
      const delivery: any = await eventually(async () => {
        const result: any = await admin.request(LOG, { event: messageId });
        return result.deliveries.edges[0]?.node;
      });

      const other = await freshOrganization(server);
      const theirs: any = await other.admin.request(LOG, {});
      expect(theirs.deliveries).toEqual({ totalCount: 0, edges: [] });
      const byEvent: any = await other.admin.request(LOG, { event: messageId });
      expect(byEvent.deliveries.totalCount).toBe(0);
      const byWebhook: any = await other.admin.request(LOG, { webhook: hook.globalId });
      expect(byWebhook.deliveries.totalCount).toBe(0);
      const node = await graphqlErrors(
        other.admin.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: delivery.id }),
      );
      expect(node[0]?.message).toBe("WebhookDelivery not found");
      const redeliver: any = await other.admin.request(REDELIVER, { id: delivery.id });
      expect(redeliver.redeliverWebhookDelivery).toMatchObject({
        __typename: "NotFoundError",
        resource: "WebhookDelivery",
      });
      const test: any = await other.admin.request(SEND_TEST, { id: hook.globalId });
      expect(test.sendTestWebhookEvent).toMatchObject({ __typename: "NotFoundError", resource: "Webhook" });
      const wrongType: any = await admin.request(REDELIVER, { id: hook.globalId });
      expect(wrongType.redeliverWebhookDelivery).toMatchObject({ __typename: "NotFoundError" });

      const { organizationId } = await freshOrganization(server);
      const reader = controlPlane(server, await apiKeyFor(server, organizationId, ["apps:read"]));
      const errors = await graphqlErrors(reader.request(LOG, {}));
      expect(errors[0]?.extensions?.code).toBe("FORBIDDEN");
      const forbidden: any = await reader.request(SEND_TEST, { id: hook.globalId });
      expect(forbidden.sendTestWebhookEvent.__typename).toBe("ForbiddenError");
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receiver.received).toHaveLength(1);
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("rejects bad input with a clear error: unknown event types and non-https URLs", async () => {
    const { admin } = await freshOrganization(server);
    const create = (input: Record<string, unknown>) =>
      admin.request(
        `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { __typename ${ERRORS} } }`,
        {
          input: { url: "https://hooks.example.com/", events: ["*"], ...input },
        },
      ) as Promise<any>;
    expect((await create({ events: ["grant.exploded"] })).createWebhook).toMatchObject({
      __typename: "ValidationError",
      field: "events",
      message: expect.stringContaining('unknown event type "grant.exploded"'),
    });
    expect((await create({ url: "http://hooks.example.com/" })).createWebhook).toMatchObject({
      __typename: "ValidationError",
      field: "url",
    });
  });
});
