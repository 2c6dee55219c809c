import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Organization, Webhook, WebhookDelivery } from "../../../server/db/entities/index.ts";
import { apiKeyFor } from "../../support/control-plane.ts";
import { postGraphQL } from "../../support/graphql.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { type CountedServer, type StatementCounter, startCountedServer } from "../../support/pg-statement-counter.ts";
import type { TestServer } from "../../support/test-server.ts";

let counted: CountedServer;
let counter: StatementCounter;
let server: TestServer;

const PAGE = /* GraphQL */ `
  query Page($first: Int!) {
    webhooks(first: $first) {
      edges {
        node {
          url
          deliveries(first: 3) { totalCount edges { node { attempt status } } }
          failed: deliveries(first: 10, status: FAILED) { totalCount edges { node { attempt } } }
        }
      }
    }
  }
`;

beforeAll(async () => {
  // No worker: its polling would be counted as the page's statements.
  counted = await startCountedServer({ worker: false });
  ({ server, counter } = counted);
});
afterAll(async () => {
  await counted?.stop();
});

/** Webhook `i` gets 5 + i attempts, one a second, attempt n failing when n is odd. */
async function seedWebhooks(organizationId: string, from: number, to: number): Promise<void> {
  const em = server.orm.em.fork();
  const organization = em.getReference(Organization, organizationId);
  const start = Date.now() - 3_600_000;
  for (let i = from; i < to; i++) {
    const now = new Date(start + i);
    const webhook = em.create(Webhook, {
      organization,
      url: `https://hooks${String(i).padStart(3, "0")}.example/in`,
      events: ["*"],
      secretEncrypted: "v1.sealed-placeholder",
      createdAt: now,
      updatedAt: now,
    });
    for (let n = 1; n <= 5 + i; n++) {
      em.create(WebhookDelivery, {
        webhook,
        eventId: randomUUID(),
        eventType: "application.created",
        attempt: n,
        status: n % 2 === 1 ? "failed" : "succeeded",
        createdAt: new Date(start + n * 1000),
      });
    }
  }
  await em.flush();
}

async function page(apiKey: string, first: number) {
  counter.reset();
  const { json } = await postGraphQL(server.url, { query: PAGE, variables: { first } }, apiKey);
  expect(json.errors).toBeUndefined();
  return { nodes: json.data.webhooks.edges.map((edge: any) => edge.node), statements: counter.count() };
}

describe("Webhook.deliveries on a page of webhooks", () => {
  it("loads every webhook's newest attempts and counts in the same few statements for 5 and 40 webhooks", async () => {
    const { organizationId } = await createUser(server.orm);
    const apiKey = await apiKeyFor(server, organizationId);
    await seedWebhooks(organizationId, 0, 5);
    await page(apiKey, 50); // warm-up: prepared statements, pool connections
    const five = await page(apiKey, 50);
    await seedWebhooks(organizationId, 5, 40);
    const forty = await page(apiKey, 50);
    expect(five.nodes).toHaveLength(5);
    expect(forty.nodes).toHaveLength(40);
    expect(forty.statements).toBe(five.statements);
    // Authentication, the page, then per list of the page: its ids, its rows, its count.
    expect(forty.statements).toBeLessThanOrEqual(10);

    for (const [i, node] of forty.nodes.entries()) {
      const total = 5 + i;
      expect(node.deliveries.totalCount).toBe(total);
      // Newest first: the last three attempts of this webhook, and no other webhook's.
      expect(node.deliveries.edges.map((edge: any) => edge.node.attempt)).toEqual([total, total - 1, total - 2]);
      const failed = Array.from({ length: total }, (_, k) => total - k).filter((n) => n % 2 === 1);
      expect(node.failed.totalCount).toBe(failed.length);
      expect(node.failed.edges.map((edge: any) => edge.node.attempt)).toEqual(failed.slice(0, 10));
    }
  });
});
