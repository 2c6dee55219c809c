import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event, WebhookDelivery } from "../../../server/db/entities/index.ts";
import { recordEvent } from "../../../server/services/record-event.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { createWebhook, eventually, freshOrganization, SERVER_ENV } from "./harness.ts";
import { startReceiver } from "./receiver.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: SERVER_ENV });
});
afterAll(() => server?.stop());

/** `npm run worker`, as a process of its own against the test database. */
function spawnWorker(): ChildProcess {
  return spawn(process.execPath, [path.join(ROOT, "server/worker.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...server.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent" },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once("exit", (code, signal) => resolve(signal ?? code));
  });

describe("crash safety of the standalone worker", () => {
  it("delivers all of 1,000 queued events at least once, each with a stable webhook-id, across a SIGKILL mid-delivery", async () => {
    const receiver = await startReceiver();
    receiver.reply = () => ({ status: 204, delayMs: 5 });
    const { organizationId, admin } = await freshOrganization(server);
    const hook = await createWebhook(admin, { url: `${receiver.url}/crash` });
    const em = server.orm.em.fork();
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const event = recordEvent(
        em,
        {
          type: "grant.created",
          organizationId,
          subjectType: "grant",
          subjectId: crypto.randomUUID(),
          actor: { type: "system" },
          payload: { sequence: i },
        },
        new Date(),
      );
      ids.push(event.id);
    }
    await em.flush();

    let worker = spawnWorker();
    try {
      await receiver.waitFor(150, 30_000);
      worker.kill("SIGKILL");
      expect(await exited(worker)).toBe("SIGKILL");
      const beforeRestart = new Set(receiver.received.map((r) => r.headers["webhook-id"])).size;
      expect(beforeRestart).toBeLessThan(1000);

      worker = spawnWorker();
      await eventually(
        async () => new Set(receiver.received.map((r) => r.headers["webhook-id"])).size === 1000,
        50_000,
      );
      const seen = receiver.received.map((r) => r.headers["webhook-id"]!);
      expect(new Set(seen)).toEqual(new Set(ids));
      // A duplicate is an attempt the killed process had sent but not recorded; it carries the same webhook-id.
      const sequences = new Map<string, number>();
      for (const request of receiver.received) {
        const sequence = JSON.parse(request.body).data.sequence as number;
        const id = request.headers["webhook-id"]!;
        expect(sequences.get(id) ?? sequence).toBe(sequence);
        sequences.set(id, sequence);
      }

      const succeeded = await eventually(async () => {
        const rows = await server.orm.em.fork().find(WebhookDelivery, { webhook: hook.id, status: "succeeded" });
        return new Set(rows.map((row) => row.eventId)).size === 1000 && rows;
      }, 20_000);
      expect(succeeded.length).toBeLessThanOrEqual(receiver.received.length);
      expect(
        await server.orm.em.fork().count(Event, { organizationId, type: "grant.created", dispatchedAt: null }),
      ).toBe(0);

      worker.kill("SIGTERM");
      expect(await exited(worker)).toBe(0);
    } finally {
      if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
      await receiver.close();
    }
  }, 120_000);
});
