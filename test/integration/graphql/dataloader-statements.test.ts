import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Application, Grant, IdentityProvider, RedirectUri, User } from "../../../server/db/entities/index.ts";
import { postGraphQL } from "../../support/graphql.ts";
import { createApp, createUser } from "../../support/oauth-fixtures.ts";
import { type CountedServer, type StatementCounter, startCountedServer } from "../../support/pg-statement-counter.ts";
import type { TestServer } from "../../support/test-server.ts";

let counted: CountedServer;
let counter: StatementCounter;
let server: TestServer;

const PAGE = /* GraphQL */ `
  query Page($first: Int!) {
    applications(first: $first) {
      totalCount
      edges {
        node {
          id name allowedScopes activeGrantCount lastActivityAt
          redirectUris { uri }
          clientSecrets { name last4 status }
          identityProviders { kind clientSecretLast4 }
          organization { name }
        }
      }
    }
  }
`;

beforeAll(async () => {
  // The webhook worker polls on its own schedule; its statements would be counted as the page's.
  counted = await startCountedServer({ worker: false });
  ({ server, counter } = counted);
});
afterAll(async () => {
  await counted?.stop();
});

/** Seeds `count` apps, each with two redirect URIs, a secret, an identity provider and a grant. */
async function seedApps(organizationId: string, userId: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const app = await createApp(server.orm, organizationId, {
      redirectUris: [`https://app${i}.example/cb`, `https://app${i}.example/cb2`],
    });
    const em = server.orm.em.fork();
    const now = new Date();
    const application = em.getReference(Application, app.id);
    em.create(IdentityProvider, {
      application,
      kind: "github",
      clientId: `gh-${i}`,
      clientSecretEncrypted: "v1.sealed-placeholder",
      clientSecretLast4: "abcd",
      scopes: ["read:user"],
      createdAt: now,
      updatedAt: now,
    });
    em.create(Grant, {
      user: em.getReference(User, userId),
      application,
      scopes: ["identify"],
      createdAt: now,
      updatedAt: now,
    });
    await em.flush();
  }
}

async function statementsFor(apiKey: string, first: number): Promise<{ statements: number; apps: number }> {
  counter.reset();
  const { json } = await postGraphQL(server.url, { query: PAGE, variables: { first } }, apiKey);
  expect(json.errors).toBeUndefined();
  const apps = json.data.applications.edges.length;
  for (const { node } of json.data.applications.edges) {
    expect(node.redirectUris).toHaveLength(2);
    expect(node.clientSecrets).toHaveLength(1);
    expect(node.identityProviders).toEqual([{ kind: "GITHUB", clientSecretLast4: "abcd" }]);
    expect(node.activeGrantCount).toBe(1);
  }
  return { statements: counter.count(), apps };
}

describe("DataLoader batching", () => {
  it("answers a page of apps with all their relations in the same number of SQL statements for 10 and 100 apps", async () => {
    const { user, organizationId } = await createUser(server.orm);
    const { apiKeyFor } = await import("../../support/control-plane.ts");
    const apiKey = await apiKeyFor(server, organizationId);
    await seedApps(organizationId, user.id, 10);
    await statementsFor(apiKey, 10); // warm-up: prepared statements, pool connections
    const ten = await statementsFor(apiKey, 10);
    await seedApps(organizationId, user.id, 90);
    const hundred = await statementsFor(apiKey, 100);
    expect(ten.apps).toBe(10);
    expect(hundred.apps).toBe(100);
    expect(hundred.statements).toBe(ten.statements);
    // Authentication, the page, the count, and one batch per relation: a handful, not hundreds.
    expect(hundred.statements).toBeLessThanOrEqual(12);
    expect(await server.orm.em.fork().count(RedirectUri, {})).toBe(200);
  });

  it("answers a page of grants with their state, user and app in the same number of statements for 10 and 100", async () => {
    const { user, organizationId } = await createUser(server.orm);
    const { apiKeyFor } = await import("../../support/control-plane.ts");
    const apiKey = await apiKeyFor(server, organizationId);
    const query = /* GraphQL */ `
      query Page($first: Int!) {
        grants(first: $first) {
          edges { node { active revokedAt revokedReason scopes user { email } application { name } } }
        }
      }
    `;
    const statementsFor = async (first: number) => {
      counter.reset();
      const { json } = await postGraphQL(server.url, { query, variables: { first } }, apiKey);
      expect(json.errors).toBeUndefined();
      expect(json.data.grants.edges).toHaveLength(first);
      for (const { node } of json.data.grants.edges) {
        expect(node).toMatchObject({ active: true, revokedAt: null, user: { email: user.email } });
      }
      return counter.count();
    };
    await seedApps(organizationId, user.id, 100);
    await statementsFor(10); // warm-up
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(hundred).toBe(ten);
    expect(hundred).toBeLessThanOrEqual(8);
  });
});
