import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSecret } from "../../../server/db/entities/index.ts";
import { recordSecretExpiryWarnings } from "../../../server/events/secret-expiry.ts";
import { createApp, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { openTestPool } from "../../support/test-database.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let pool: pg.Pool;
let app: TestApp;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  server = await startTestServer({ env: { LATCH_RUN_WORKER: "false" } });
  pool = openTestPool(server.database.url);
  app = await createApp(server.orm, (await createUser(server.orm)).organizationId);
});
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

async function secret(name: string, expiresInMs: number, revoked = false): Promise<string> {
  const em = server.orm.em.fork();
  const now = new Date();
  const row = em.create(ClientSecret, {
    application: app.id,
    name,
    secretHash: `hash-${name}-${Math.random()}`,
    last4: name.slice(-4).padStart(4, "x"),
    createdAt: now,
    expiresAt: new Date(now.getTime() + expiresInMs),
    revokedAt: revoked ? now : null,
  });
  await em.flush();
  return row.id;
}

async function warnings(): Promise<{ subject_id: string; window: string; payload: Record<string, unknown> }[]> {
  const { rows } = await pool.query(
    "select subject_id, payload->>'window' as window, payload from events where type = 'client_secret.expiring' order by created_at, subject_id",
  );
  return rows;
}

describe("client_secret.expiring", () => {
  it("warns once a week before and once a day before expiry, never twice, never for revoked or distant secrets", async () => {
    const inThreeDays = await secret("three-days", 3 * DAY);
    const inTwelveHours = await secret("twelve-hours", 12 * HOUR);
    await secret("a-month", 30 * DAY);
    await secret("revoked", 2 * DAY, true);
    const now = new Date();

    expect(await recordSecretExpiryWarnings(pool, now)).toBe(2);
    const first = await warnings();
    expect(first.map((w) => [w.subject_id, w.window]).sort()).toEqual(
      [
        [inThreeDays, "7d"],
        [inTwelveHours, "1d"],
      ].sort(),
    );
    expect(first[0]!.payload).toMatchObject({ clientId: app.clientId, applicationId: app.id });
    expect(JSON.stringify(first)).not.toMatch(/latch_cs_|hash-/);

    expect(await recordSecretExpiryWarnings(pool, now)).toBe(0);
    // Two and a half days later the three-day secret enters its last day.
    expect(await recordSecretExpiryWarnings(pool, new Date(now.getTime() + 2.5 * DAY))).toBe(1);
    const later = await warnings();
    expect(later.filter((w) => w.subject_id === inThreeDays).map((w) => w.window)).toEqual(["7d", "1d"]);
  });

  it("is an event type webhooks can subscribe to, delivered through the outbox", async () => {
    const { rows } = await pool.query(
      "select count(*)::int as n from events where type = 'client_secret.expiring' and dispatched_at is null",
    );
    expect(rows[0].n).toBeGreaterThan(0);
    const { WEBHOOK_EVENT_TYPES } = await import("../../../server/services/webhooks/event-types.ts");
    expect(WEBHOOK_EVENT_TYPES).toContain("client_secret.expiring");
  });
});
