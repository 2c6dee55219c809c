import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamFlow } from "../../../server/db/entities/index.ts";
import {
  pruneUpstreamFlows,
  UPSTREAM_FLOW_KEEP_MS,
} from "../../../server/services/upstream-flows/prune-upstream-flows.ts";
import { startUpstreamFlow } from "../../../server/services/upstream-flows/start-upstream-flow.ts";
import { takeUpstreamFlow } from "../../../server/services/upstream-flows/take-upstream-flow.ts";
import { openTestPool } from "../../support/test-database.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let pool: pg.Pool;

beforeAll(async () => {
  server = await startTestServer();
  pool = openTestPool(server.database.url);
});
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

const start = (binding: string, now: Date) =>
  startUpstreamFlow(
    server.orm.em,
    server.keyring,
    { purpose: "login", returnTo: "/account/connections", browserBinding: binding, withNonce: true },
    now,
  );

describe("upstream flow retention", () => {
  it("deletes flows a day past their expiry, used or not, and keeps recent ones", async () => {
    const now = new Date();
    const longAgo = new Date(now.getTime() - UPSTREAM_FLOW_KEEP_MS - 60 * 60_000);
    const binding = "b".repeat(43);
    const abandoned = await start(binding, longAgo);
    const used = await start(binding, longAgo);
    await takeUpstreamFlow(server.orm.em, server.keyring, { state: used.state, browserBinding: binding }, longAgo);
    const recent = await start(binding, now);

    expect(await pruneUpstreamFlows(pool, now)).toBe(2);
    const left = await server.orm.em.fork().find(UpstreamFlow, {});
    expect(left.map((flow) => flow.id)).toEqual([recent.flowId]);
    expect(left.map((flow) => flow.id)).not.toContain(abandoned.flowId);
    // The flow left still completes.
    const taken = await takeUpstreamFlow(
      server.orm.em,
      server.keyring,
      { state: recent.state, browserBinding: binding },
      now,
    );
    expect(taken.flowId).toBe(recent.flowId);
  });
});
