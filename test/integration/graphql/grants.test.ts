import type { GraphQLClient } from "graphql-request";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AccessToken, AuthorizationCode, Event, Grant, RefreshToken } from "../../../server/db/entities/index.ts";
import { revokeApplicationGrants } from "../../../server/services/grants/revoke-application-grants.ts";
import { apiKeyFor, controlPlane, globalId, graphqlErrors } from "../../support/control-plane.ts";
import { introspect, token } from "../../support/oauth-client.ts";
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

type Tokens = { access_token: string; refresh_token: string };

let server: TestServer;

async function tokenRequest(app: TestApp, form: Record<string, string>): Promise<any> {
  return (await token(server, app, form)).body;
}

/** A real consent: the user signs in, clicks Authorize, and the app redeems the code. */
async function connect(user: TestUser, app: TestApp, scope: string): Promise<Tokens> {
  const authorize = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope, prompt: "consent" })}`;
  const callback = await authorizeInBrowser(new UserAgent(server.url), user, authorize);
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`no code in ${callback}`);
  const tokens = await tokenRequest(app, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
  if (!tokens.access_token || !tokens.refresh_token) throw new Error(`token request failed: ${JSON.stringify(tokens)}`);
  return tokens;
}

/** Asks the authorization server, as a resource server of the same organization would, whether a token is active. */
async function isActive(resourceServer: TestApp, value: string): Promise<boolean> {
  const answer = await introspect(server, resourceServer, value);
  expect(answer.status).toBe(200);
  return answer.body.active;
}

async function grantOf(user: TestUser, app: TestApp): Promise<Grant> {
  return server.orm.em
    .fork()
    .findOneOrFail(Grant, { user: user.id, application: app.id }, { orderBy: { createdAt: "desc" } });
}

const GRANTS = /* GraphQL */ `
  query ($filter: GrantFilter, $first: Int, $after: String) {
    grants(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id scopes active user { id email } application { name } } }
    }
  }
`;

const REVOKE_GRANT = /* GraphQL */ `
  mutation ($id: ID!) {
    revokeGrant(id: $id) {
      __typename
      ... on RevokeGrantPayload { revokedCount grant { id active revokedAt revokedReason } }
      ... on Error { message code }
    }
  }
`;
const REVOKE_USER = /* GraphQL */ `
  mutation ($app: ID!, $user: String!) {
    revokeUserGrants(applicationId: $app, userId: $user) {
      __typename
      ... on RevokeGrantsPayload { revokedCount }
      ... on Error { message code }
    }
  }
`;
const REVOKE_APP = /* GraphQL */ `
  mutation ($app: ID!) {
    revokeApplicationGrants(applicationId: $app) {
      __typename
      ... on RevokeGrantsPayload { revokedCount }
      ... on Error { message code }
    }
  }
`;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("listing grants", () => {
  let admin: GraphQLClient;
  let organizationId: string;
  let alice: TestUser;
  let bob: TestUser;
  let bobWorkspace: string;
  let calendar: TestApp;
  let mail: TestApp;

  beforeAll(async () => {
    ({ user: alice, organizationId } = await createUser(server.orm, { orgName: "Acme" }));
    ({ user: bob, organizationId: bobWorkspace } = await createUser(server.orm, { orgName: "Bob's Place" }));
    admin = controlPlane(server, await apiKeyFor(server, organizationId));
    calendar = await createApp(server.orm, organizationId, { name: "Calendar" });
    mail = await createApp(server.orm, organizationId, { name: "Mail" });
    await createApp(server.orm, organizationId, { name: "Unused" });
    await connect(alice, calendar, "identify email");
    await connect(alice, mail, "identify");
    await connect(bob, calendar, "identify guilds");
    await connect(bob, mail, "identify email");
  });

  it("lists the grants users gave through real consent, with who, which app and which workspace", async () => {
    const result: any = await admin.request(/* GraphQL */ `
      {
        grants(first: 10) {
          totalCount
          edges {
            node {
              id scopes permissions active createdAt updatedAt revokedAt revokedReason
              user { id email displayName }
              application { name }
              workspace { name }
              workspaceId
              workspaceName
            }
          }
        }
      }
    `);
    expect(result.grants.totalCount).toBe(4);
    const nodes = result.grants.edges.map((edge: any) => edge.node);
    expect(nodes.map((node: any) => `${node.user.email} ${node.application.name}`)).toEqual([
      `${alice.email} Calendar`,
      `${alice.email} Mail`,
      `${bob.email} Calendar`,
      `${bob.email} Mail`,
    ]);
    expect(nodes[0]).toMatchObject({
      scopes: ["identify", "email"],
      permissions: null,
      active: true,
      revokedAt: null,
      revokedReason: null,
      user: { id: alice.id, email: alice.email, displayName: expect.stringMatching(/^User /) },
      // Alice consented for her own workspace, which is the caller's organization.
      workspace: { name: "Acme" },
      workspaceId: organizationId,
      workspaceName: "Acme",
    });
    // Bob's workspace is another organization: named, but never loadable as an Organization by this caller.
    expect(nodes[2]).toMatchObject({ workspace: null, workspaceId: bobWorkspace, workspaceName: "Bob's Place" });

    const grant = await grantOf(alice, calendar);
    const byNode: any = await admin.request(`query ($id: ID!) { node(id: $id) { ... on Grant { scopes } } }`, {
      id: nodes[0].id,
    });
    expect(byNode.node.scopes).toEqual(grant.scopes);
    expect(nodes[0].id).toBe(globalId("Grant", grant.id));
  });

  it("filters by application, user id or email, workspace, scope and active", async () => {
    const count = async (filter: Record<string, unknown>) =>
      ((await admin.request(GRANTS, { filter })) as any).grants.totalCount;
    expect(await count({ applicationId: globalId("Application", calendar.id) })).toBe(2);
    expect(await count({ userId: alice.id })).toBe(2);
    expect(await count({ userId: bob.email.toUpperCase() })).toBe(2);
    expect(await count({ userId: "not-a-user" })).toBe(0);
    expect(await count({ workspaceId: bobWorkspace })).toBe(2);
    expect(await count({ workspaceId: globalId("Organization", organizationId) })).toBe(2);
    expect(await count({ scope: "email" })).toBe(2);
    expect(await count({ scope: "guilds" })).toBe(1);
    expect(await count({ scope: "email", applicationId: globalId("Application", mail.id) })).toBe(1);
    expect(await count({ active: true })).toBe(4);
    expect(await count({ active: false })).toBe(0);
    // A global id of another type names no app: nothing matches.
    expect(await count({ applicationId: globalId("Grant", calendar.id) })).toBe(0);

    const filtered: any = await admin.request(GRANTS, { filter: { userId: bob.id, scope: "guilds" } });
    expect(filtered.grants.edges[0].node).toMatchObject({
      scopes: ["identify", "guilds"],
      user: { email: bob.email },
      application: { name: "Calendar" },
    });
  });

  it("pages with first and after in a stable order, counting every match on each page", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 4; page++) {
      const result: any = await admin.request(GRANTS, { first: 1, after });
      expect(result.grants.totalCount).toBe(4);
      expect(result.grants.edges).toHaveLength(1);
      seen.push(result.grants.edges[0].node.id);
      expect(result.grants.pageInfo.hasNextPage).toBe(page < 3);
      after = result.grants.pageInfo.endCursor;
    }
    const all: any = await admin.request(GRANTS, { first: 10 });
    expect(seen).toEqual(all.grants.edges.map((edge: any) => edge.node.id));
    const end: any = await admin.request(GRANTS, { first: 1, after });
    expect(end.grants.edges).toEqual([]);

    const errors = await graphqlErrors(admin.request(GRANTS, { first: 101 }));
    expect(errors[0]?.message).toContain("at most 100");
  });

  it("counts each app's active grants with one grouped statement for the whole page", async () => {
    const connection = server.orm.em.getConnection();
    const execute = vi.spyOn(connection, "execute");
    try {
      const result: any = await admin.request(`{ applications { edges { node { name activeGrantCount } } } }`);
      const counts = Object.fromEntries(
        result.applications.edges.map((edge: any) => [edge.node.name, edge.node.activeGrantCount]),
      );
      expect(counts).toEqual({ Calendar: 2, Mail: 2, Unused: 0 });
      const grantStatements = execute.mock.calls.map(([sql]) => String(sql)).filter((sql) => /"grants"/.test(sql));
      expect(grantStatements).toHaveLength(1);
      expect(grantStatements[0]).toMatch(/group by/i);
    } finally {
      execute.mockRestore();
    }
  });

  it("lets a grants:read key list grants but not revoke them, and an apps:read key not list them", async () => {
    const reader = controlPlane(server, await apiKeyFor(server, organizationId, ["grants:read"]));
    const listed: any = await reader.request(GRANTS.replace("application { name }", ""), {});
    expect(listed.grants.totalCount).toBe(4);
    // Type-level scopes run once per object (runScopesOnType): an app reached through a grant still needs apps:read.
    const nested = await graphqlErrors(reader.request(GRANTS, {}));
    expect(nested.length).toBeGreaterThan(0);
    for (const error of nested) {
      expect(error).toMatchObject({ extensions: { code: "FORBIDDEN" }, path: expect.arrayContaining(["application"]) });
    }
    const grant = await grantOf(alice, mail);
    const refused: any = await reader.request(REVOKE_GRANT, { id: globalId("Grant", grant.id) });
    expect(refused.revokeGrant).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const bulk: any = await reader.request(REVOKE_APP, { app: globalId("Application", mail.id) });
    expect(bulk.revokeApplicationGrants.__typename).toBe("ForbiddenError");
    expect((await grantOf(alice, mail)).revokedAt ?? null).toBeNull();

    const appsReader = controlPlane(server, await apiKeyFor(server, organizationId, ["apps:read"]));
    const errors = await graphqlErrors(appsReader.request(`{ grants { totalCount } }`));
    expect(errors[0]?.extensions?.code).toBe("FORBIDDEN");
    const counts: any = await appsReader.request(`{ applications { edges { node { activeGrantCount } } } }`);
    expect(counts.applications.edges).toHaveLength(3);
  });

  it("never shows or revokes another organization's grants", async () => {
    const { organizationId: otherOrg } = await createUser(server.orm);
    const other = controlPlane(server, await apiKeyFor(server, otherOrg));
    const listed: any = await other.request(GRANTS, {});
    expect(listed.grants).toMatchObject({ totalCount: 0, edges: [] });
    const filtered: any = await other.request(GRANTS, {
      filter: { applicationId: globalId("Application", calendar.id) },
    });
    expect(filtered.grants.totalCount).toBe(0);

    const grant = await grantOf(bob, calendar);
    const errors = await graphqlErrors(
      other.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: globalId("Grant", grant.id) }),
    );
    expect(errors[0]?.message).toBe("Grant not found");
    const revoke: any = await other.request(REVOKE_GRANT, { id: globalId("Grant", grant.id) });
    expect(revoke.revokeGrant).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    const byUser: any = await other.request(REVOKE_USER, { app: globalId("Application", calendar.id), user: bob.id });
    expect(byUser.revokeUserGrants.__typename).toBe("NotFoundError");
    const byApp: any = await other.request(REVOKE_APP, { app: globalId("Application", calendar.id) });
    expect(byApp.revokeApplicationGrants.__typename).toBe("NotFoundError");
    const still: any = await admin.request(GRANTS, { filter: { active: true } });
    expect(still.grants.totalCount).toBe(4);
  });
});

describe("revoking grants", () => {
  let admin: GraphQLClient;
  let organizationId: string;
  let resourceServer: TestApp;

  beforeAll(async () => {
    ({ organizationId } = await createUser(server.orm));
    admin = controlPlane(server, await apiKeyFor(server, organizationId));
    resourceServer = await createApp(server.orm, organizationId, { name: "Resource server", isResourceServer: true });
  });

  it("revokeGrant cuts off the grant's access and refresh tokens at once, and is idempotent", async () => {
    const app = await createApp(server.orm, organizationId, { accessTokenFormat: "opaque" });
    const { user } = await createUser(server.orm);
    const { user: bystander } = await createUser(server.orm);
    const tokens = await connect(user, app, "identify email");
    const kept = await connect(bystander, app, "identify");
    expect(await isActive(resourceServer, tokens.access_token)).toBe(true);
    const grant = await grantOf(user, app);

    const revoked: any = await admin.request(REVOKE_GRANT, { id: globalId("Grant", grant.id) });
    expect(revoked.revokeGrant).toMatchObject({
      __typename: "RevokeGrantPayload",
      revokedCount: 1,
      grant: { id: globalId("Grant", grant.id), active: false, revokedReason: "revoked_by_organization" },
    });
    expect(revoked.revokeGrant.grant.revokedAt).toEqual(expect.any(String));

    expect(await isActive(resourceServer, tokens.access_token)).toBe(false);
    expect(await isActive(resourceServer, tokens.refresh_token)).toBe(false);
    const refresh = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(refresh.error).toBe("invalid_grant");
    expect(await isActive(resourceServer, kept.access_token)).toBe(true);

    const em = server.orm.em.fork();
    expect(await em.count(AccessToken, { grant: grant.id, revokedAt: null })).toBe(0);
    expect(await em.count(RefreshToken, { grant: grant.id, revokedAt: null })).toBe(0);

    const again: any = await admin.request(REVOKE_GRANT, { id: globalId("Grant", grant.id) });
    expect(again.revokeGrant).toMatchObject({ __typename: "RevokeGrantPayload", revokedCount: 0 });
    expect(again.revokeGrant.grant.revokedAt).toBe(revoked.revokeGrant.grant.revokedAt);
    const missing: any = await admin.request(REVOKE_GRANT, { id: globalId("Grant", crypto.randomUUID()) });
    expect(missing.revokeGrant.__typename).toBe("NotFoundError");
  });

  it("revokeUserGrants revokes one user's grants of one app, by id or email, and counts them", async () => {
    const app = await createApp(server.orm, organizationId);
    const otherApp = await createApp(server.orm, organizationId);
    const { user } = await createUser(server.orm);
    const { user: bystander } = await createUser(server.orm);
    const tokens = await connect(user, app, "identify");
    const elsewhere = await connect(user, otherApp, "identify");
    const kept = await connect(bystander, app, "identify");

    const result: any = await admin.request(REVOKE_USER, {
      app: globalId("Application", app.id),
      user: user.email.toUpperCase(),
    });
    expect(result.revokeUserGrants).toEqual({ __typename: "RevokeGrantsPayload", revokedCount: 1 });
    expect(await isActive(resourceServer, tokens.access_token)).toBe(false);
    expect(await isActive(resourceServer, elsewhere.access_token)).toBe(true);
    expect(await isActive(resourceServer, kept.access_token)).toBe(true);

    const again: any = await admin.request(REVOKE_USER, { app: globalId("Application", app.id), user: user.id });
    expect(again.revokeUserGrants.revokedCount).toBe(0);
    const unknown: any = await admin.request(REVOKE_USER, {
      app: globalId("Application", app.id),
      user: "nobody@example.com",
    });
    expect(unknown.revokeUserGrants.revokedCount).toBe(0);
  });

  it("revokeApplicationGrants revokes every grant of the app with their tokens and unused codes", async () => {
    const app = await createApp(server.orm, organizationId);
    const users = await Promise.all([createUser(server.orm), createUser(server.orm), createUser(server.orm)]);
    const tokens = [];
    for (const { user } of users.slice(0, 2)) tokens.push(await connect(user, app, "identify"));
    // The third user consented but the app never redeemed the code.
    const authorize = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "identify" })}`;
    const callback = await authorizeInBrowser(new UserAgent(server.url), users[2]!.user, authorize);

    const result: any = await admin.request(REVOKE_APP, { app: globalId("Application", app.id) });
    expect(result.revokeApplicationGrants).toEqual({ __typename: "RevokeGrantsPayload", revokedCount: 3 });
    for (const token of tokens) {
      expect(await isActive(resourceServer, token.access_token)).toBe(false);
      const refresh = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: token.refresh_token });
      expect(refresh.error).toBe("invalid_grant");
    }
    const em = server.orm.em.fork();
    expect(await em.count(AuthorizationCode, { application: app.id, consumedAt: null })).toBe(0);
    const late = await tokenRequest(app, {
      grant_type: "authorization_code",
      code: callback.searchParams.get("code")!,
      redirect_uri: REDIRECT,
    });
    expect(late.error).toBe("invalid_grant");

    const counts: any = await admin.request(
      `query ($id: ID!) { application(id: $id) { activeGrantCount } grants(filter: { applicationId: $id, active: false }) { totalCount } }`,
      { id: globalId("Application", app.id) },
    );
    expect(counts).toEqual({ application: { activeGrantCount: 0 }, grants: { totalCount: 3 } });
    const again: any = await admin.request(REVOKE_APP, { app: globalId("Application", app.id) });
    expect(again.revokeApplicationGrants.revokedCount).toBe(0);

    // The app stays enabled: a user can consent again and gets a new, working grant.
    const fresh = await connect(users[0]!.user, app, "identify");
    expect(await isActive(resourceServer, fresh.access_token)).toBe(true);
  });
  it("past the inline limit, cuts every token at commit and leaves the grant rows and their events to the worker", async () => {
    const app = await createApp(server.orm, organizationId, { accessTokenFormat: "opaque" });
    const users = await Promise.all([createUser(server.orm), createUser(server.orm), createUser(server.orm)]);
    const tokens: Tokens[] = [];
    for (const { user } of users) tokens.push(await connect(user, app, "identify"));
    const other = await connect(users[0]!.user, await createApp(server.orm, organizationId), "identify");

    // Another transaction holds the grant rows: the worker cannot mark them, so only the app-wide mark can cut the tokens.
    const pool = (await server.orm.em.getConnection().getNativeClient()) as unknown as pg.Pool;
    const holder = await pool.connect();
    const now = new Date();
    try {
      await holder.query("begin");
      await holder.query("select id from grants where application_id = $1 for update", [app.id]);
      const count = await revokeApplicationGrants(
        server.orm.em,
        server.runtime,
        { applicationId: app.id, organizationId, actor: { type: "system" } },
        now,
        1,
      );
      expect(count).toBe(3);
      const unmarked = await pool.query("select 1 from grants where application_id = $1 and revoked_at is null", [
        app.id,
      ]);
      expect(unmarked.rowCount).toBe(3);
      for (const token of tokens) {
        expect(await isActive(resourceServer, token.access_token)).toBe(false);
        expect(await isActive(resourceServer, token.refresh_token)).toBe(false);
        const refresh = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: token.refresh_token });
        expect(refresh.error).toBe("invalid_grant");
      }
      const me = await fetch(`${server.url}/api/v1/users/@me`, {
        headers: { authorization: `Bearer ${tokens[0]!.access_token}` },
      });
      expect(me.status).toBe(401);
      expect(await isActive(resourceServer, other.access_token)).toBe(true);

      // The control plane already reads them as revoked, as the worker will mark them: lists, filters, counts, nodes.
      const view: any = await admin.request(
        /* GraphQL */ `query ($app: ID!) {
          application(id: $app) { activeGrantCount }
          all: grants(filter: { applicationId: $app }) { totalCount edges { node { id active revokedAt revokedReason } } }
          standing: grants(filter: { applicationId: $app, active: true }) { totalCount edges { node { id } } }
          revoked: grants(filter: { applicationId: $app, active: false }) { totalCount }
          elsewhere: grants(filter: { userId: "${users[0]!.user.id}", active: true }) {
            edges { node { active revokedAt revokedReason application { name } } }
          }
        }`,
        { app: globalId("Application", app.id) },
      );
      expect(view.application.activeGrantCount).toBe(0);
      expect(view.all.totalCount).toBe(3);
      for (const { node } of view.all.edges) {
        expect(node).toMatchObject({
          active: false,
          revokedAt: now.toISOString(),
          revokedReason: "revoked_by_organization",
        });
      }
      expect(view.standing).toEqual({ totalCount: 0, edges: [] });
      expect(view.revoked.totalCount).toBe(3);
      expect(view.elsewhere.edges).toHaveLength(1);
      expect(view.elsewhere.edges[0].node).toMatchObject({ active: true, revokedAt: null, revokedReason: null });
      const node: any = await admin.request(
        `query ($id: ID!) { node(id: $id) { ... on Grant { active revokedAt } } }`,
        {
          id: view.all.edges[0].node.id,
        },
      );
      expect(node.node).toEqual({ active: false, revokedAt: now.toISOString() });

      // Revoking again while the rows are still unmarked counts nothing twice.
      const again = await revokeApplicationGrants(
        server.orm.em,
        server.runtime,
        { applicationId: app.id, organizationId, actor: { type: "system" } },
        new Date(now.getTime() + 1),
        1,
      );
      expect(again).toBe(0);
    } finally {
      await holder.query("commit");
      holder.release();
    }

    // The worker's job retries and marks every grant, dated at the revocation, with one grant.revoked Event each.
    const em = server.orm.em.fork();
    await vi.waitFor(async () => expect(await em.count(Grant, { application: app.id, revokedAt: null })).toBe(0), {
      timeout: 30_000,
      interval: 200,
    });
    const grants = await em.find(Grant, { application: app.id });
    for (const grant of grants) {
      expect(grant).toMatchObject({ revokedAt: now, revokedReason: "revoked_by_organization" });
    }
    const events = await em.find(Event, { type: "grant.revoked", applicationId: app.id });
    expect(events.map((event) => event.subjectId).sort()).toEqual(grants.map((grant) => grant.id).sort());
    expect(await em.count(Event, { type: "application.grants_revoked", applicationId: app.id })).toBe(1);

    // A new consent makes a new grant that works; the old ones stay revoked.
    const fresh = await connect(users[0]!.user, app, "identify");
    expect(await isActive(resourceServer, fresh.access_token)).toBe(true);
    expect(await em.fork().count(Grant, { application: app.id, revokedAt: null })).toBe(1);
  });
});
