import { Webhook as StandardWebhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook, WebhookDelivery } from "../../../server/db/entities/index.ts";
import { postWebhook, RESPONSE_BODY_LIMIT_BYTES } from "../../../server/events/post-webhook.ts";
import { WEBHOOK_EVENT_TYPES } from "../../../server/services/webhooks/event-types.ts";
import { createApp } from "../../support/oauth-fixtures.ts";
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
import { type Received, startReceiver } from "./receiver.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: SERVER_ENV });
});
afterAll(() => server?.stop());

const deliveriesOf = (webhookId: string) =>
  server.orm.em.fork().find(WebhookDelivery, { webhook: webhookId }, { orderBy: { createdAt: "asc", attempt: "asc" } });
const parse = (request: Received) => JSON.parse(request.body) as { type: string; timestamp: string; data: any };

describe("webhook delivery", () => {
  it("delivers every event type, signed so the standardwebhooks verifier accepts it, and logs each attempt", async () => {
    const receiver = await startReceiver();
    const worker = await startWorker(server);
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `${receiver.url}/hooks/latch?tenant=7` });
      const ids = new Map<string, string>();
      for (const type of WEBHOOK_EVENT_TYPES) ids.set(await emitEvent(server, { type, organizationId }), type);
      // And one written by a real use case, in its own transaction.
      const app = await createApp(server.orm, organizationId);

      const received = await receiver.waitFor(WEBHOOK_EVENT_TYPES.length + 1);
      const verifier = new StandardWebhook(hook.secret);
      for (const request of received) {
        expect(request.path).toBe("/hooks/latch?tenant=7");
        expect(request.headers["content-type"]).toBe("application/json");
        expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
        const verified = verifier.verify(request.body, request.headers) as { type: string };
        expect(verified).toEqual(parse(request));
      }
      const byId = new Map(received.map((request) => [request.headers["webhook-id"]!, parse(request)]));
      for (const [id, type] of ids) {
        expect(byId.get(id), type).toMatchObject({
          type,
          data: {
            organizationId,
            subject: { type: type.split(".")[0] },
            actor: { type: "system", id: null },
            note: "test",
          },
        });
      }
      const created = [...byId.values()].find((message) => message.data.clientId === app.clientId);
      expect(created?.data).toMatchObject({ applicationId: app.id, clientId: app.clientId, subject: { id: app.id } });
      expect(JSON.stringify(received.map((r) => r.body))).not.toContain(app.clientSecret);

      const log = await eventually(async () => {
        const rows = await deliveriesOf(hook.id);
        return rows.length === received.length && rows;
      });
      for (const row of log) {
        expect(row).toMatchObject({
          attempt: 1,
          trigger: "event",
          status: "succeeded",
          responseStatus: 204,
          error: null,
        });
        expect(row.durationMs).toBeGreaterThanOrEqual(0);
        expect(row.nextAttemptAt).toBeNull();
      }
      expect(new Set(log.map((row) => row.eventId))).toEqual(new Set(received.map((r) => r.headers["webhook-id"])));
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("sends an app webhook its app's events and an org webhook all of them; audit-only and other orgs' events go nowhere", async () => {
    const orgReceiver = await startReceiver();
    const appReceiver = await startReceiver();
    const worker = await startWorker(server);
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const other = await freshOrganization(server);
      const app = await createApp(server.orm, organizationId);
      const otherApp = await createApp(server.orm, organizationId);
      await createWebhook(admin, { url: `${orgReceiver.url}/org`, events: ["grant.created", "grant.revoked"] });
      await createWebhook(admin, { url: `${appReceiver.url}/app`, applicationId: app.id });

      const mine = await emitEvent(server, { type: "grant.created", organizationId, applicationId: app.id });
      const theirs = await emitEvent(server, { type: "grant.revoked", organizationId, applicationId: otherApp.id });
      await emitEvent(server, { type: "user.signed_in", organizationId, applicationId: otherApp.id });
      await emitEvent(server, { type: "api_key.created", organizationId, applicationId: app.id });
      await emitEvent(server, { type: "grant.created", organizationId: other.organizationId });
      const last = await emitEvent(server, { type: "user.signed_in", organizationId, applicationId: app.id });

      await appReceiver.waitFor(2);
      await orgReceiver.waitFor(2);
      await worker.dispatchNow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(orgReceiver.received.map((r) => r.headers["webhook-id"]).sort()).toEqual([mine, theirs].sort());
      expect(appReceiver.received.map((r) => r.headers["webhook-id"]).sort()).toEqual([mine, last].sort());
    } finally {
      await worker.stop();
      await orgReceiver.close();
      await appReceiver.close();
    }
  });

  it("signs with both the new and the previous secret during a rotation's overlap", async () => {
    const receiver = await startReceiver();
    const worker = await startWorker(server);
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `${receiver.url}/rotating` });
      const rotated: any = await admin.request(
        `mutation ($id: ID!) { rotateWebhookSecret(id: $id) { ... on RotateWebhookSecretPayload { secret } } }`,
        { id: hook.globalId },
      );
      const newSecret = rotated.rotateWebhookSecret.secret as string;
      await emitEvent(server, { type: "application.updated", organizationId });
      const [request] = await receiver.waitFor(1);
      const signatures = request!.headers["webhook-signature"]!.split(" ");
      expect(signatures).toHaveLength(2);
      for (const secret of [newSecret, hook.secret]) {
        expect(new StandardWebhook(secret).verify(request!.body, request!.headers)).toMatchObject({
          type: "application.updated",
        });
      }

      // Once the overlap is over only the new secret signs.
      await server.orm.em
        .fork()
        .nativeUpdate(Webhook, { id: hook.id }, { previousSecretExpiresAt: new Date(Date.now() - 1000) });
      await emitEvent(server, { type: "application.updated", organizationId });
      const second = (await receiver.waitFor(2))[1]!;
      expect(second.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
      expect(() => new StandardWebhook(hook.secret).verify(second.body, second.headers)).toThrow();
      expect(new StandardWebhook(newSecret).verify(second.body, second.headers)).toBeTruthy();
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("retries a 500 on the schedule with the same webhook-id until a 2xx, logging every attempt", async () => {
    const receiver = await startReceiver();
    let calls = 0;
    receiver.reply = () => (++calls <= 2 ? { status: 500, body: "upstream exploded" } : { status: 200, body: "ok" });
    const worker = await startWorker(server, { retrySchedule: [0, 300, 300, 300] });
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `${receiver.url}/flaky` });
      const eventId = await emitEvent(server, { type: "grant.revoked", organizationId });
      const received = await receiver.waitFor(3);
      expect(received.map((r) => r.headers["webhook-id"])).toEqual([eventId, eventId, eventId]);
      for (const [index, request] of received.entries()) {
        if (index === 0) continue;
        // 300 ms ± 20% jitter after the previous failure.
        expect(request.at - received[index - 1]!.at).toBeGreaterThanOrEqual(230);
      }
      const log = await eventually(async () => {
        const rows = await deliveriesOf(hook.id);
        return rows.length === 3 && rows;
      });
      // The receiver is private (127.0.0.1, allowed here): its answers are logged by status, timing and size only.
      expect(
        log.map((row) => [row.attempt, row.status, row.responseStatus, row.responseBody, row.responseBytes]),
      ).toEqual([
        [1, "failed", 500, null, 17],
        [2, "failed", 500, null, 17],
        [3, "succeeded", 200, null, 2],
      ]);
      expect(log.every((row) => (row.durationMs ?? -1) >= 0)).toBe(true);
      expect(log[0]!.error).toBe("HTTP 500");
      expect(log[0]!.nextAttemptAt!.getTime()).toBeGreaterThan(log[0]!.createdAt.getTime());
      expect(log[2]!.nextAttemptAt).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.received).toHaveLength(3);
      const stored = await server.orm.em.fork().findOneOrFail(Webhook, { id: hook.id });
      expect(stored).toMatchObject({ active: true, consecutiveFailures: 0 });
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("gives up after the last scheduled attempt", async () => {
    const receiver = await startReceiver();
    receiver.reply = () => ({ status: 503 });
    const worker = await startWorker(server, { retrySchedule: [0, 100, 100] });
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `${receiver.url}/down` });
      await emitEvent(server, { type: "grant.revoked", organizationId });
      await receiver.waitFor(3);
      const log = await eventually(async () => {
        const rows = await deliveriesOf(hook.id);
        return rows.length === 3 && rows;
      });
      expect(log.map((row) => [row.attempt, row.status, row.nextAttemptAt === null])).toEqual([
        [1, "failed", false],
        [2, "failed", false],
        [3, "failed", true],
      ]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(receiver.received).toHaveLength(3);
      const stored = await server.orm.em.fork().findOneOrFail(Webhook, { id: hook.id });
      expect(stored).toMatchObject({ active: true, consecutiveFailures: 1 });
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("stops an endpoint that answers 410 at once and tells the organization's other webhooks", async () => {
    const gone = await startReceiver();
    gone.reply = () => ({ status: 410 });
    const watcher = await startReceiver();
    const worker = await startWorker(server);
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `${gone.url}/gone`, events: ["grant.created"] });
      const watch = await createWebhook(admin, { url: `${watcher.url}/watch`, events: ["webhook.disabled"] });
      await emitEvent(server, { type: "grant.created", organizationId });
      await gone.waitFor(1);
      const [notice] = await watcher.waitFor(1);
      expect(new StandardWebhook(watch.secret).verify(notice!.body, notice!.headers)).toMatchObject({
        type: "webhook.disabled",
        data: {
          webhookId: hook.id,
          reason: "gone",
          subject: { type: "webhook", id: hook.id },
          actor: { type: "system" },
        },
      });
      const stored = await server.orm.em.fork().findOneOrFail(Webhook, { id: hook.id });
      expect(stored.active).toBe(false);
      expect(stored.disabledAt).toBeInstanceOf(Date);
      const log = await deliveriesOf(hook.id);
      expect(log.map((row) => [row.attempt, row.status, row.responseStatus, row.nextAttemptAt])).toEqual([
        [1, "failed", 410, null],
      ]);

      await emitEvent(server, { type: "grant.created", organizationId });
      await worker.dispatchNow();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(gone.received).toHaveLength(1);
      expect((await eventsOf(server, organizationId, "webhook.disabled")).map((e) => e.subjectId)).toEqual([hook.id]);
    } finally {
      await worker.stop();
      await gone.close();
      await watcher.close();
    }
  });

  it("disables a webhook after N events in a row failed every retry, and a success resets the count", async () => {
    const receiver = await startReceiver();
    let healthy = true;
    receiver.reply = () => (healthy ? { status: 204 } : { status: 500 });
    const worker = await startWorker(server, { retrySchedule: [0, 50], disableAfterFailures: 2 });
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `${receiver.url}/dying`, events: ["grant.created"] });
      const stored = () => server.orm.em.fork().findOneOrFail(Webhook, { id: hook.id });
      healthy = false;
      await emitEvent(server, { type: "grant.created", organizationId });
      await receiver.waitFor(2);
      await eventually(async () => (await stored()).consecutiveFailures === 1);
      healthy = true;
      await emitEvent(server, { type: "grant.created", organizationId });
      await receiver.waitFor(3);
      await eventually(async () => (await stored()).consecutiveFailures === 0);

      healthy = false;
      await emitEvent(server, { type: "grant.created", organizationId });
      await receiver.waitFor(5);
      await eventually(async () => (await stored()).consecutiveFailures === 1);
      expect((await stored()).active).toBe(true);
      await emitEvent(server, { type: "grant.created", organizationId });
      await receiver.waitFor(7);
      await eventually(async () => !(await stored()).active);
      const [disabled] = await eventsOf(server, organizationId, "webhook.disabled");
      expect(disabled).toMatchObject({ subjectId: hook.id, actorType: "system" });
      expect(disabled!.payload).toMatchObject({ reason: "failing", consecutiveFailures: 2, webhookId: hook.id });

      await emitEvent(server, { type: "grant.created", organizationId });
      await worker.dispatchNow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received).toHaveLength(7);
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("times out a hanging endpoint and retries it, logging each timeout", async () => {
    const hanging = await startReceiver();
    hanging.reply = () => ({ hang: true });
    const worker = await startWorker(server, {
      requestTimeoutMs: 300,
      retrySchedule: [0, 100],
      disableAfterFailures: 100,
    });
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const stuck = await createWebhook(admin, { url: `${hanging.url}/hang` });
      await emitEvent(server, { type: "grant.created", organizationId });
      const log = await eventually(async () => {
        const rows = await deliveriesOf(stuck.id);
        return rows.length === 2 && rows;
      });
      for (const [index, row] of log.entries()) {
        expect(row).toMatchObject({
          attempt: index + 1,
          status: "failed",
          responseStatus: null,
          error: "timed out after 300 ms",
        });
        expect(row.durationMs).toBeGreaterThanOrEqual(290);
        expect(row.durationMs).toBeLessThan(1000);
      }
      expect(hanging.received).toHaveLength(2);
    } finally {
      await worker.stop();
      await hanging.close();
    }
  });

  it("never lets a hanging endpoint block the others: it keeps two slots free, and few once it is known to be slow", async () => {
    const hanging = await startReceiver();
    hanging.reply = () => ({ hang: true });
    const healthy = await startReceiver();
    const worker = await startWorker(server, {
      requestTimeoutMs: 1500,
      retrySchedule: [0],
      concurrency: 6,
      disableAfterFailures: 100,
    });
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const stuck = await createWebhook(admin, { url: `${hanging.url}/hang`, events: ["grant.created"] });
      await createWebhook(admin, { url: `${healthy.url}/fine`, events: ["grant.revoked"] });
      // A burst to the hanging endpoint is queued first; the healthy endpoint's events come after it.
      for (let i = 0; i < 30; i++) await emitEvent(server, { type: "grant.created", organizationId });
      await worker.dispatchNow();
      await hanging.waitFor(1);
      const started = Date.now();
      for (let i = 0; i < 10; i++) await emitEvent(server, { type: "grant.revoked", organizationId });
      await healthy.waitFor(10);
      expect(Date.now() - started).toBeLessThan(1200);
      // Six slots, at most four for one endpoint; once its attempts ran past a second, at most two.
      expect(hanging.maxOpen()).toBeLessThanOrEqual(4);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const log = await deliveriesOf(stuck.id);
      expect(log.length).toBeGreaterThan(0);
      expect(log.every((row) => row.error === "timed out after 1500 ms")).toBe(true);
      const late = hanging.received.filter((request) => request.at > started + 1600);
      expect(late.length).toBeLessThanOrEqual(4);
    } finally {
      await worker.stop();
      await hanging.close();
      await healthy.close();
    }
  });

  it("accepts a slow answer within the timeout, and reads only the first KiB of a huge body", async () => {
    const receiver = await startReceiver();
    receiver.reply = (request) =>
      request.path === "/slow"
        ? { status: 202, delayMs: 300, body: "finally" }
        : {
            status: 200,
            body: Buffer.alloc(8 * 1024 * 1024, "x"),
            headers: { "content-length": String(8 * 1024 * 1024) },
          };
    const worker = await startWorker(server, { requestTimeoutMs: 2000 });
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const slow = await createWebhook(admin, { url: `${receiver.url}/slow` });
      const huge = await createWebhook(admin, { url: `${receiver.url}/huge` });
      await emitEvent(server, { type: "grant.created", organizationId });
      const [slowRow] = await eventually(async () => {
        const rows = await deliveriesOf(slow.id);
        return rows.length === 1 && rows;
      });
      expect(slowRow).toMatchObject({ status: "succeeded", responseStatus: 202, responseBody: null, responseBytes: 7 });
      expect(slowRow!.durationMs).toBeGreaterThanOrEqual(290);
      const [hugeRow] = await eventually(async () => {
        const rows = await deliveriesOf(huge.id);
        return rows.length === 1 && rows;
      });
      // Its declared size, though only the first KiB was read before hanging up.
      expect(hugeRow).toMatchObject({ status: "succeeded", responseStatus: 200, responseBytes: 8 * 1024 * 1024 });
      expect(hugeRow!.responseBody).toBeNull();
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("follows no redirect: a 3xx is a failed attempt", async () => {
    const receiver = await startReceiver();
    receiver.reply = (request) =>
      request.path === "/moved" ? { status: 307, headers: { location: `${receiver.url}/elsewhere` } } : { status: 204 };
    const worker = await startWorker(server, { retrySchedule: [0] });
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `${receiver.url}/moved` });
      await emitEvent(server, { type: "grant.created", organizationId });
      const [row] = await eventually(async () => {
        const rows = await deliveriesOf(hook.id);
        return rows.length === 1 && rows;
      });
      expect(row).toMatchObject({
        status: "failed",
        responseStatus: 307,
        error: "HTTP 307: redirects are not followed",
      });
      expect(receiver.received.map((r) => r.path)).toEqual(["/moved"]);
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });
});

describe("what the delivery log keeps of an endpoint's answer (#20 item 8)", () => {
  // A target as resolveDeliveryTarget returns it: `public` says whether its address passed the public-address check.
  const targetOf = (url: string, isPublic: boolean) => ({
    url: new URL(url),
    address: "127.0.0.1",
    family: 4 as const,
    public: isPublic,
  });
  const post = (url: string, isPublic: boolean) =>
    postWebhook(targetOf(url, isPublic), { headers: {}, body: "{}" }, { timeoutMs: 2000 });

  it("keeps the first KiB of a public endpoint's answer, and only status, timing and size of a private one", async () => {
    const receiver = await startReceiver();
    receiver.reply = (request) =>
      request.path === "/huge"
        ? { status: 200, body: Buffer.alloc(64 * 1024, "x") }
        : { status: 403, body: "internal admin: secret=hunter2" };
    try {
      const publicAnswer = await post(`${receiver.url}/small`, true);
      expect(publicAnswer).toMatchObject({ kind: "response", status: 403, body: "internal admin: secret=hunter2" });
      const privateAnswer = await post(`${receiver.url}/small`, false);
      expect(privateAnswer).toMatchObject({ kind: "response", status: 403, body: null, bytes: 30 });
      expect(privateAnswer.durationMs).toBeGreaterThanOrEqual(0);
      // Sent chunked (no Content-Length): the size is what was read before hanging up, at least the first KiB.
      const huge = await post(`${receiver.url}/huge`, true);
      expect(huge).toMatchObject({ kind: "response", status: 200, body: "x".repeat(RESPONSE_BODY_LIMIT_BYTES) });
      expect(huge.kind === "response" && huge.bytes).toBeGreaterThanOrEqual(RESPONSE_BODY_LIMIT_BYTES);
      const hugePrivate = await post(`${receiver.url}/huge`, false);
      expect(hugePrivate).toMatchObject({ kind: "response", status: 200, body: null });
    } finally {
      await receiver.close();
    }
  });
});
