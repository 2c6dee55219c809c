import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { createUser, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let admin: GraphQLClient;
let owner: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  let organizationId: string;
  ({ user: owner, organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
});
afterAll(() => server?.stop());

type Members = { organization: { memberships: { edges: { node: { email: string; userId: string } }[] } } };

describe("Membership.userId", () => {
  it("is the member's user row id, the one events name as their actorId", async () => {
    const members = await admin.request<Members>(
      `{ organization { memberships(first: 100) { edges { node { email userId } } } } }`,
    );
    expect(members.organization.memberships.edges.map((edge) => edge.node)).toEqual([
      { email: owner.email, userId: owner.id },
    ]);
  });
});
