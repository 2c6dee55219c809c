import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebhookDelivery } from "../../../server/db/entities/index.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { createWebhook, emitEvent, eventually, freshOrganization, SERVER_ENV, startWorker } from "./harness.ts";
import { startReceiver } from "./receiver.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: SERVER_ENV });
});
afterAll(() => server?.stop());

const deliveriesOf = (webhookId: string) =>
  server.orm.em.fork().find(WebhookDelivery, { webhook: webhookId }, { orderBy: { createdAt: "asc" } });

describe("SSRF guard at delivery time", () => {
  it("refuses loopback, private and metadata addresses without the switch, before connecting, and retries nothing else", async () => {
    const receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    // Hosts that resolve (through the injected resolver) to forbidden addresses: DNS rebinding included.
    const lookup = vi.fn(async (host: string) => {
      const table: Record<string, string[]> = {
        "loopback.hooks.test": ["127.0.0.1"],
        "internal.hooks.test": ["10.0.0.1"],
        "metadata.hooks.test": ["169.254.169.254"],
        "mixed.hooks.test": ["93.184.215.14", "192.168.0.10"],
      };
      return (table[host] ?? []).map((address) => ({ address, family: 4 }));
    });
    const worker = await startWorker(server, { allowPrivateWebhooks: false, lookup, retrySchedule: [0] });
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const cases: [string, RegExp][] = [
        [`https://127.0.0.1:${port}/hook`, /^refused to deliver to 127\.0\.0\.1: a loopback address/],
        ["https://10.0.0.1/hook", /^refused to deliver to 10\.0\.0\.1: a private address/],
        [
          "https://169.254.169.254/latest/meta-data/",
          /^refused to deliver to 169\.254\.169\.254: a cloud metadata address/,
        ],
        [`https://[::ffff:127.0.0.1]:${port}/hook`, /^refused to deliver to ::ffff:7f00:1: a loopback address/],
        [
          `https://loopback.hooks.test:${port}/hook`,
          /^refused to deliver to loopback\.hooks\.test \(127\.0\.0\.1\): a loopback/,
        ],
        ["https://internal.hooks.test/hook", /^refused to deliver to internal\.hooks\.test \(10\.0\.0\.1\): a private/],
        ["https://metadata.hooks.test/hook", /^refused to deliver to metadata\.hooks\.test \(169\.254\.169\.254\)/],
        ["https://mixed.hooks.test/hook", /^refused to deliver to mixed\.hooks\.test \(192\.168\.0\.10\): a private/],
        [
          `http://localhost:${port}/hook`,
          /^webhook URLs must use https \(plain http only with LATCH_ALLOW_PRIVATE_WEBHOOKS=true\)/,
        ],
      ];
      const hooks: { id: string }[] = [];
      for (const [url] of cases) hooks.push(await createWebhook(admin, { url }));
      await emitEvent(server, { type: "grant.created", organizationId });
      for (const [index, [url, expected]] of cases.entries()) {
        const [row] = await eventually(async () => {
          const rows = await deliveriesOf(hooks[index]!.id);
          return rows.length > 0 && rows;
        });
        expect(row, url).toMatchObject({ status: "failed", responseStatus: null, responseBody: null, durationMs: 0 });
        expect(row!.error, url).toMatch(expected);
      }
      expect(receiver.connections()).toBe(0);
      const looked = lookup.mock.calls.map(([host]) => host).sort();
      expect(looked).toEqual(["internal.hooks.test", "loopback.hooks.test", "metadata.hooks.test", "mixed.hooks.test"]);
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("with LATCH_ALLOW_PRIVATE_WEBHOOKS=true, connects to the address it checked, not a fresh lookup", async () => {
    const receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    // No real resolver knows this name: the request can only arrive through the pinned address.
    const lookup = async (host: string) => (host === "pinned.hooks.test" ? [{ address: "127.0.0.1", family: 4 }] : []);
    const worker = await startWorker(server, { allowPrivateWebhooks: true, lookup });
    try {
      const { organizationId, admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `http://localhost:${port}/unused` });
      await server.orm.em
        .fork()
        .getConnection()
        .execute("update webhooks set url = ? where id = ?", [`http://pinned.hooks.test:${port}/pinned`, hook.id]);
      await emitEvent(server, { type: "grant.created", organizationId });
      const [request] = await receiver.waitFor(1);
      expect(request!.path).toBe("/pinned");
      expect(request!.headers.host).toBe(`pinned.hooks.test:${port}`);
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });
});
