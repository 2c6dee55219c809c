import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookDelivery } from "../../../server/db/entities/index.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { createWebhook, emitEvent, eventually, freshOrganization, SERVER_ENV, startWorker } from "./harness.ts";
import { startReceiver } from "./receiver.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: SERVER_ENV });
});
afterAll(() => server?.stop());

describe("durable delivery", () => {
  it("delivers events committed while no worker ran once one starts", async () => {
    const receiver = await startReceiver();
    const { organizationId, admin } = await freshOrganization(server);
    await createWebhook(admin, { url: `${receiver.url}/later` });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await emitEvent(server, { type: "user.signed_in", organizationId }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(0);
    const worker = await startWorker(server);
    try {
      const received = await receiver.waitFor(5);
      expect(received.map((r) => r.headers["webhook-id"]).sort()).toEqual(ids.sort());
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("loses nothing when the worker stops mid-delivery and starts again", async () => {
    const receiver = await startReceiver();
    receiver.reply = () => ({ status: 204, delayMs: 100 });
    const { organizationId, admin } = await freshOrganization(server);
    const hook = await createWebhook(admin, { url: `${receiver.url}/restart` });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await emitEvent(server, { type: "grant.created", organizationId }));
    let worker = await startWorker(server);
    try {
      await receiver.waitFor(6);
      await worker.stop();
      const before = receiver.received.length;
      expect(before).toBeLessThan(40);
      worker = await startWorker(server);
      await eventually(async () => new Set(receiver.received.map((r) => r.headers["webhook-id"])).size === 40, 30_000);
      expect(new Set(receiver.received.map((r) => r.headers["webhook-id"]))).toEqual(new Set(ids));
      const log = await eventually(async () => {
        const rows = await server.orm.em.fork().find(WebhookDelivery, { webhook: hook.id, status: "succeeded" });
        return new Set(rows.map((row) => row.eventId)).size === 40 && rows;
      });
      expect(log.every((row) => row.responseStatus === 204)).toBe(true);
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("lets several workers share the outbox and the jobs without sending an attempt twice", async () => {
    const receiver = await startReceiver();
    const { organizationId, admin } = await freshOrganization(server);
    const hook = await createWebhook(admin, { url: `${receiver.url}/shared` });
    const workers = await Promise.all([startWorker(server), startWorker(server), startWorker(server)]);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) ids.push(await emitEvent(server, { type: "grant.created", organizationId }));
      await receiver.waitFor(60);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received.map((r) => r.headers["webhook-id"]).sort()).toEqual(ids.sort());
      const rows = await server.orm.em.fork().find(WebhookDelivery, { webhook: hook.id });
      expect(rows).toHaveLength(60);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
      await receiver.close();
    }
  });
});
