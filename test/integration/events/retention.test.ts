import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Event, WebhookDelivery } from "../../../server/db/entities/index.ts";
import { PRUNE_TASK } from "../../../server/events/jobs.ts";
import { pruneEvents } from "../../../server/events/retention.ts";
import { openTestPool } from "../../support/test-database.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { createWebhook, emitEvent, freshOrganization, SERVER_ENV, startWorker } from "./harness.ts";

let server: TestServer;
let pool: pg.Pool;

beforeAll(async () => {
  server = await startTestServer({ env: SERVER_ENV });
  pool = openTestPool(server.database.url);
});
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

const DAY = 86_400_000;

describe("event retention", () => {
  it("deletes events and delivery attempts past retention, never an event still in the outbox", async () => {
    const { organizationId, admin } = await freshOrganization(server);
    const hook = await createWebhook(admin, { url: "https://hooks.example.com/retention" });
    const now = new Date();
    const old = await emitEvent(server, { type: "grant.created", organizationId });
    const waiting = await emitEvent(server, { type: "grant.created", organizationId });
    const recent = await emitEvent(server, { type: "grant.created", organizationId });
    const em = server.orm.em.fork();
    await em.nativeUpdate(Event, { id: old }, { createdAt: new Date(now.getTime() - 91 * DAY), dispatchedAt: now });
    await em.nativeUpdate(
      Event,
      { id: waiting },
      { createdAt: new Date(now.getTime() - 400 * DAY), dispatchedAt: null },
    );
    await em.nativeUpdate(Event, { id: recent }, { createdAt: new Date(now.getTime() - 89 * DAY), dispatchedAt: now });
    for (const [eventId, age] of [
      [old, 91],
      [recent, 89],
    ] as const) {
      em.create(WebhookDelivery, {
        webhook: hook.id,
        eventId,
        eventType: "grant.created",
        attempt: 1,
        trigger: "event",
        status: "succeeded",
        responseStatus: 204,
        responseBody: "",
        durationMs: 3,
        error: null,
        createdAt: new Date(now.getTime() - age * DAY),
        nextAttemptAt: null,
      });
    }
    await em.flush();

    expect(await pruneEvents(pool, 0, now)).toEqual({ events: 0, deliveries: 0 });
    const pruned = await pruneEvents(pool, 90, now);
    expect(pruned.events).toBeGreaterThanOrEqual(1);
    expect(pruned.deliveries).toBe(1);
    const left = await server.orm.em.fork().find(Event, { id: { $in: [old, waiting, recent] } });
    expect(left.map((event) => event.id).sort()).toEqual([waiting, recent].sort());
    const deliveries = await server.orm.em.fork().find(WebhookDelivery, { webhook: hook.id });
    expect(deliveries.map((row) => row.eventId)).toEqual([recent]);
  });

  it("schedules the cleanup once a day through graphile-worker's cron", async () => {
    const worker = await startWorker(server);
    try {
      // The cron registers its known crontabs just after the runner starts, not before startEventWorker resolves.
      await vi.waitFor(
        async () => {
          const { rows } = await pool.query("select identifier from graphile_worker._private_known_crontabs");
          expect(rows.map((row) => row.identifier)).toContain(PRUNE_TASK);
        },
        { timeout: 10_000, interval: 100 },
      );
    } finally {
      await worker.stop();
    }
  });
});
