import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Grant } from "../../../server/db/entities/index.ts";
import { apiKeyFor, controlPlane, globalId, graphqlErrors } from "../../support/control-plane.ts";
import { token } from "../../support/oauth-client.ts";
import {
  authorizeInBrowser,
  createApp,
  createUser,
  REDIRECT,
  type TestApp,
  type TestUser,
} from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;
let app: TestApp;
let users: TestUser[];
let tokens: { access_token: string; refresh_token: string }[];
let before: Date;

/** A real consent and code redemption, which writes `grant.created`. */
async function connect(user: TestUser): Promise<{ access_token: string; refresh_token: string }> {
  const authorize = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify" })}`;
  const callback = await authorizeInBrowser(new UserAgent(server.url), user, authorize);
  const answer = await token(server, app, {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code")!,
    redirect_uri: REDIRECT,
  });
  return answer.body as { access_token: string; refresh_token: string };
}

const EVENTS = /* GraphQL */ `
  query ($filter: EventFilter, $first: Int, $after: String, $last: Int, $before: String) {
    events(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id type actorType actorId subjectType subjectId applicationId payload createdAt } }
    }
  }
`;

async function events(variables: Record<string, unknown>, client = admin): Promise<any> {
  return ((await client.request(EVENTS, variables)) as any).events;
}

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
  app = await createApp(server.orm, organizationId, { name: "Audited" });
  users = [
    (await createUser(server.orm)).user,
    (await createUser(server.orm)).user,
    (await createUser(server.orm)).user,
  ];
  before = new Date();
  tokens = [];
  for (const user of users) tokens.push(await connect(user));

  const first = await server.orm.em.fork().findOneOrFail(Grant, { user: users[0]!.id, application: app.id });
  const revoked: any = await admin.request(
    `mutation ($id: ID!) { revokeGrant(id: $id) { __typename ... on RevokeGrantPayload { revokedCount } } }`,
    { id: globalId("Grant", first.id) },
  );
  expect(revoked.revokeGrant.revokedCount).toBe(1);
  const bulk: any = await admin.request(
    `mutation ($app: ID!) { revokeApplicationGrants(applicationId: $app) { ... on RevokeGrantsPayload { revokedCount } } }`,
    { app: globalId("Application", app.id) },
  );
  expect(bulk.revokeApplicationGrants.revokedCount).toBe(2);
});
afterAll(() => server?.stop());

describe("events", () => {
  it("records one grant.revoked event per revoked grant, by the API key, with ids and never a token", async () => {
    const revoked = await events({ filter: { type: "grant.revoked" } });
    expect(revoked.totalCount).toBe(3);
    const grants = await server.orm.em.fork().find(Grant, { application: app.id });
    expect(revoked.edges.map((edge: any) => edge.node.subjectId).sort()).toEqual(grants.map((g) => g.id).sort());
    for (const { node } of revoked.edges) {
      expect(node).toMatchObject({
        type: "grant.revoked",
        actorType: "API_KEY",
        actorId: expect.any(String),
        subjectType: "grant",
        applicationId: globalId("Application", app.id),
        payload: { reason: "revoked_by_organization", userId: expect.any(String) },
      });
    }
    const serialized = JSON.stringify(revoked);
    for (const token of tokens) {
      expect(serialized).not.toContain(token.access_token);
      expect(serialized).not.toContain(token.refresh_token);
    }
    expect(serialized).not.toMatch(/latch_(at|rt|ak|cs)_/);
  });

  it("lists newest first, and filters by types, application, subject, actor and time", async () => {
    const all = await events({ first: 100 });
    const times = all.edges.map((edge: any) => Date.parse(edge.node.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // The app-wide revocation's audit entry and its grants' events share one instant.
    const newest = all.edges.filter((edge: any) => edge.node.createdAt === all.edges[0].node.createdAt);
    expect(new Set(newest.map((edge: any) => edge.node.type))).toEqual(
      new Set(["grant.revoked", "application.grants_revoked"]),
    );
    const appWide = newest.find((edge: any) => edge.node.type === "application.grants_revoked").node;
    expect(appWide).toMatchObject({
      subjectType: "application",
      payload: { count: 2, reason: "revoked_by_organization" },
    });
    expect(all.edges.map((edge: any) => edge.node.type).slice(-2)).toEqual(["application.created", "api_key.created"]);

    const both = await events({ filter: { types: ["grant.created", "grant.revoked"] } });
    expect(both.totalCount).toBe(6);
    expect((await events({ filter: { type: "grant.created", types: ["grant.revoked"] } })).totalCount).toBe(0);

    const ofApp = all.edges.filter((edge: any) => edge.node.applicationId === globalId("Application", app.id));
    expect(ofApp.length).toBe(all.totalCount - 1);
    expect((await events({ filter: { applicationId: globalId("Application", app.id) } })).totalCount).toBe(
      ofApp.length,
    );
    expect((await events({ filter: { applicationId: app.id } })).totalCount).toBe(ofApp.length);
    expect((await events({ filter: { applicationId: globalId("Application", crypto.randomUUID()) } })).totalCount).toBe(
      0,
    );

    const grant = await server.orm.em.fork().findOneOrFail(Grant, { user: users[1]!.id, application: app.id });
    const subject = await events({ filter: { subjectId: grant.id } });
    expect(subject.edges.map((edge: any) => edge.node.type)).toEqual(["grant.revoked", "grant.created"]);

    const revokedBy = all.edges.find((edge: any) => edge.node.type === "grant.revoked").node.actorId;
    expect((await events({ filter: { actorId: revokedBy } })).totalCount).toBe(4);

    const since = await events({ filter: { since: before.toISOString() } });
    expect(since.edges.map((edge: any) => edge.node.type)).not.toContain("application.created");
    expect((await events({ filter: { until: before.toISOString() } })).edges[0].node.type).toBe("application.created");
  });

  it("pages newest first with first/after and last/before, counting every match", async () => {
    const all = (await events({ first: 100 })).edges.map((edge: any) => edge.node.id);
    const forward: string[] = [];
    let after: string | undefined;
    do {
      const page = await events({ first: 2, after });
      expect(page.totalCount).toBe(all.length);
      forward.push(...page.edges.map((edge: any) => edge.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : undefined;
    } while (after);
    expect(forward).toEqual(all);

    const oldest = await events({ last: 2 });
    expect(oldest.edges.map((edge: any) => edge.node.id)).toEqual(all.slice(-2));
    const previous = await events({ last: 2, before: oldest.pageInfo.startCursor });
    expect(previous.edges.map((edge: any) => edge.node.id)).toEqual(all.slice(-4, -2));
  });

  it("shows another organization none of them, and needs the admin scope", async () => {
    const { organizationId: otherOrg } = await createUser(server.orm);
    const other = controlPlane(server, await apiKeyFor(server, otherOrg));
    const theirs = await events({ filter: { applicationId: globalId("Application", app.id) } }, other);
    expect(theirs).toMatchObject({ totalCount: 0, edges: [] });
    const mine = await events({ first: 1 });
    const errors = await graphqlErrors(
      other.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: mine.edges[0].node.id }),
    );
    expect(errors[0]?.message).toBe("Event not found");
    const byNode: any = await admin.request(`query ($id: ID!) { node(id: $id) { ... on Event { type } } }`, {
      id: mine.edges[0].node.id,
    });
    expect(byNode.node.type).toBe(mine.edges[0].node.type);

    for (const scopes of [["grants:read"], ["apps:read", "apps:write", "grants:write"]]) {
      const limited = controlPlane(server, await apiKeyFor(server, organizationId, scopes));
      const refused = await graphqlErrors(limited.request(`{ events { totalCount } }`));
      expect(refused[0]?.extensions?.code).toBe("FORBIDDEN");
    }
  });

  it("records grant.updated, with the scopes before and after, when a user consents to more of an app", async () => {
    const widened = await createApp(server.orm, organizationId, { name: "Widened" });
    const { user } = await createUser(server.orm);
    const agent = new UserAgent(server.url);
    const url = (scope: string) =>
      `/oauth2/authorize?${new URLSearchParams({ client_id: widened.clientId, redirect_uri: REDIRECT, response_type: "code", scope })}`;
    await authorizeInBrowser(agent, user, url("identify"));
    await authorizeInBrowser(agent, user, url("identify"));
    const grantEvents = {
      applicationId: globalId("Application", widened.id),
      types: ["grant.created", "grant.updated"],
    };
    const unchanged = await events({ filter: grantEvents });
    expect(unchanged.edges.map((edge: any) => edge.node.type)).toEqual(["grant.created"]);

    await authorizeInBrowser(agent, user, url("identify email"));
    const after = await events({
      filter: { applicationId: globalId("Application", widened.id), type: "grant.updated" },
    });
    expect(after.totalCount).toBe(1);
    const grant = await server.orm.em.fork().findOneOrFail(Grant, { user: user.id, application: widened.id });
    expect(after.edges[0].node.subjectId).toBe(grant.id);
    expect(after.edges[0].node.payload).toMatchObject({
      userId: user.id,
      scopes: expect.arrayContaining(["identify", "email"]),
      previous: { scopes: ["identify"] },
    });
    expect(JSON.stringify(after.edges[0].node.payload)).not.toContain(widened.clientSecret);
  });
});
