import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event, Membership } from "../../../server/db/entities/index.ts";
import { API_KEY_SCOPES } from "../../../server/services/api-key-scopes.ts";
import { apiKeyFor, controlPlane, globalId, graphqlErrors } from "../../support/control-plane.ts";
import { createUser, signIn, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let admin: GraphQLClient;
let organizationId: string;
let owner: TestUser;

const FIELDS = `id email displayName avatarUrl role isViewer createdAt organization { id }`;
const ERRORS = `... on Error { message code } ... on ValidationError { field } ... on ConflictError { field } ... on NotFoundError { resource }`;
const ADD = `mutation ($email: String!, $role: MembershipRole!) { addMember(email: $email, role: $role) {
  __typename ... on MembershipPayload { membership { ${FIELDS} } } ${ERRORS} } }`;
const CHANGE = `mutation ($id: ID!, $role: MembershipRole!) { changeMemberRole(id: $id, role: $role) {
  __typename ... on MembershipPayload { membership { ${FIELDS} } } ${ERRORS} } }`;
const REMOVE = `mutation ($id: ID!) { removeMember(id: $id) {
  __typename ... on RemoveMemberPayload { removedMembershipId } ${ERRORS} } }`;
// Kept shallow: the depth-weighted cost limit counts every level under `organization`.
const LIST = `{ organization { memberships(first: 100) { edges { node { id email displayName avatarUrl role isViewer createdAt } } } } }`;

const rowIdOf = (id: string) => Buffer.from(id, "base64").toString().split(":")[1]!;
const eventsOf = (subjectId: string) =>
  server.orm.em.fork().find(Event, { organizationId, subjectId }, { orderBy: { createdAt: "asc", id: "asc" } });

async function members(client = admin): Promise<any[]> {
  const result: any = await client.request(LIST);
  return result.organization.memberships.edges.map((e: any) => e.node);
}

/** A user who exists (member of a workspace of their own) but not of ours. */
async function outsider(): Promise<TestUser> {
  return (await createUser(server.orm)).user;
}

/** GraphQL as a signed-in user, through their browser session cookie. */
async function sessionOf(user: TestUser) {
  const agent = new UserAgent(server.url);
  expect((await signIn(agent, user)).status).toBe(303);
  const cookie = [...agent.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  return async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "latch-organization": organizationId },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, json: (await response.json()) as { data?: any; errors?: any[] } };
  };
}

/** Owner-level changes need a signed-in owner; this answers like `admin.request`, as the organization's owner. */
let asOwnerData: (query: string, variables?: Record<string, unknown>) => Promise<any>;

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId, user: owner } = await createUser(server.orm));
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
  const asOwner = await sessionOf(owner);
  asOwnerData = async (query, variables = {}) => (await asOwner(query, variables)).json.data;
});
afterAll(() => server?.stop());

describe("memberships", () => {
  it("lists the organization's members with their email, name and role", async () => {
    const list = await members();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      email: owner.email,
      displayName: expect.stringMatching(/^User /),
      avatarUrl: null,
      role: "OWNER",
      isViewer: false,
    });
    const node: any = await admin.request(`query ($id: ID!) { node(id: $id) { ... on Membership { ${FIELDS} } } }`, {
      id: list[0].id,
    });
    expect(node.node).toMatchObject({
      email: owner.email,
      organization: { id: globalId("Organization", organizationId) },
    });
    const count: any = await admin.request(`{ organization { memberships { totalCount } } }`);
    expect(count.organization.memberships.totalCount).toBe(1);
  });

  it("adds an existing user by email, changes their role and removes them, each with its Event", async () => {
    const user = await outsider();
    const added: any = await admin.request(ADD, { email: `  ${user.email.toUpperCase()} `, role: "ADMIN" });
    const membership = added.addMember.membership;
    expect(membership).toMatchObject({ email: user.email, role: "ADMIN" });
    expect((await members()).map((m) => m.email)).toContain(user.email);

    const changed: any = await admin.request(CHANGE, { id: membership.id, role: "MEMBER" });
    expect(changed.changeMemberRole.membership).toMatchObject({ id: membership.id, role: "MEMBER", email: user.email });
    const unchanged: any = await admin.request(CHANGE, { id: membership.id, role: "MEMBER" });
    expect(unchanged.changeMemberRole.membership.role).toBe("MEMBER");

    const removed: any = await admin.request(REMOVE, { id: membership.id });
    expect(removed.removeMember.removedMembershipId).toBe(membership.id);
    expect((await members()).map((m) => m.email)).not.toContain(user.email);

    const events = await eventsOf(rowIdOf(membership.id));
    expect(events.map((e) => e.type)).toEqual(["membership.added", "membership.role_changed", "membership.removed"]);
    expect(events[0]!.payload).toMatchObject({ userId: user.id, role: "admin" });
    expect(events[1]!.payload).toMatchObject({ userId: user.id, role: "member", previousRole: "admin" });
    expect(events[2]!.payload).toMatchObject({ userId: user.id, role: "member" });
  });

  it("refuses unknown emails and existing members with typed errors", async () => {
    const unknown: any = await admin.request(ADD, { email: "nobody@example.com", role: "MEMBER" });
    expect(unknown.addMember).toMatchObject({ __typename: "NotFoundError", resource: "User", code: "NOT_FOUND" });
    const empty: any = await admin.request(ADD, { email: " ", role: "MEMBER" });
    expect(empty.addMember).toMatchObject({ __typename: "ValidationError", field: "email" });
    const already: any = await admin.request(ADD, { email: owner.email, role: "MEMBER" });
    expect(already.addMember).toMatchObject({ __typename: "ConflictError", field: "email", code: "CONFLICT" });
    const missing: any = await admin.request(CHANGE, {
      id: globalId("Membership", crypto.randomUUID()),
      role: "ADMIN",
    });
    expect(missing.changeMemberRole).toMatchObject({ __typename: "NotFoundError", resource: "Membership" });
  });

  it("lets only a signed-in owner appoint, demote or remove owners, never an admin key or an admin", async () => {
    const [ownerMembership] = await members();
    const someone = await outsider();
    const asKey: any = await admin.request(ADD, { email: someone.email, role: "OWNER" });
    expect(asKey.addMember).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const demoteByKey: any = await admin.request(CHANGE, { id: ownerMembership.id, role: "MEMBER" });
    expect(demoteByKey.changeMemberRole.__typename).toBe("ForbiddenError");
    const removeByKey: any = await admin.request(REMOVE, { id: ownerMembership.id });
    expect(removeByKey.removeMember.__typename).toBe("ForbiddenError");
    // An admin, signed in, manages members but cannot make themselves owner.
    const added: any = await admin.request(ADD, { email: someone.email, role: "ADMIN" });
    const asAdmin = await sessionOf(someone);
    const selfPromotion = await asAdmin(CHANGE, { id: added.addMember.membership.id, role: "OWNER" });
    expect(selfPromotion.json.data.changeMemberRole.__typename).toBe("ForbiddenError");
    const stored = await server.orm.em.fork().findOneOrFail(Membership, { id: rowIdOf(ownerMembership.id) });
    expect(stored.role).toBe("owner");
    expect(
      (await asOwnerData(CHANGE, { id: added.addMember.membership.id, role: "OWNER" })).changeMemberRole.membership
        .role,
    ).toBe("OWNER");
    expect((await asOwnerData(REMOVE, { id: added.addMember.membership.id })).removeMember.__typename).toBe(
      "RemoveMemberPayload",
    );
  });

  it("never demotes or removes the last owner, but does once there is another", async () => {
    const [ownerMembership] = await members();
    const demote: any = await asOwnerData(CHANGE, { id: ownerMembership.id, role: "ADMIN" });
    expect(demote.changeMemberRole).toMatchObject({ __typename: "ConflictError", code: "CONFLICT", field: "role" });
    const remove: any = await asOwnerData(REMOVE, { id: ownerMembership.id });
    expect(remove.removeMember).toMatchObject({ __typename: "ConflictError", code: "CONFLICT" });
    const stored = await server.orm.em.fork().findOneOrFail(Membership, { id: rowIdOf(ownerMembership.id) });
    expect(stored.role).toBe("owner");

    const second = await outsider();
    const added: any = await asOwnerData(ADD, { email: second.email, role: "MEMBER" });
    const promoted: any = await asOwnerData(CHANGE, { id: added.addMember.membership.id, role: "OWNER" });
    expect(promoted.changeMemberRole.membership.role).toBe("OWNER");
    const demoted: any = await asOwnerData(CHANGE, { id: ownerMembership.id, role: "ADMIN" });
    expect(demoted.changeMemberRole.membership.role).toBe("ADMIN");
    // Now the second user is the last owner, and the only one who may act on owners.
    const asSecond = await sessionOf(second);
    const removeLast = await asSecond(REMOVE, { id: added.addMember.membership.id });
    expect(removeLast.json.data.removeMember.__typename).toBe("ConflictError");
    const restored = await asSecond(CHANGE, { id: ownerMembership.id, role: "OWNER" });
    expect(restored.json.data.changeMemberRole.membership.role).toBe("OWNER");
    const removed: any = await asOwnerData(REMOVE, { id: added.addMember.membership.id });
    expect(removed.removeMember.__typename).toBe("RemoveMemberPayload");
  });

  it("keeps one owner when two owners demote each other at the same moment", async () => {
    const second = await outsider();
    const added: any = await asOwnerData(ADD, { email: second.email, role: "OWNER" });
    const secondId = added.addMember.membership.id;
    const [first] = await members();
    const asSecond = await sessionOf(second);
    const results: any[] = await Promise.all([
      asOwnerData(CHANGE, { id: secondId, role: "MEMBER" }),
      asSecond(CHANGE, { id: first.id, role: "MEMBER" }).then((r) => r.json.data),
    ]);
    // The organization lock orders them: the loser is no longer an owner when its turn comes.
    const outcomes = results.map((r) => r.changeMemberRole.__typename).sort();
    expect(outcomes).toEqual(["ForbiddenError", "MembershipPayload"]);
    expect(await server.orm.em.fork().count(Membership, { organization: organizationId, role: "owner" })).toBe(1);
    // Back to the starting state: the first user sole owner.
    const owners = (await members()).filter((m) => m.role === "OWNER");
    if (owners[0].id !== first.id) await asSecond(CHANGE, { id: first.id, role: "OWNER" });
    expect((await asOwnerData(REMOVE, { id: secondId })).removeMember.__typename).toBe("RemoveMemberPayload");
  });

  it("lets a signed-in owner manage members as themselves, and cuts a removed member off at once", async () => {
    const asOwner = await sessionOf(owner);
    const list = await asOwner(LIST);
    const mine = list.json.data.organization.memberships.edges.find((e: any) => e.node.email === owner.email).node;
    expect(mine.isViewer).toBe(true);

    const minted = await asOwner(`mutation { createApiKey(name: "mine", scopes: ["apps:read"]) {
      ... on CreateApiKeyPayload { apiKey { createdBy { id email } } } } }`);
    expect(minted.json.data.createApiKey.apiKey.createdBy).toEqual({ id: mine.id, email: owner.email });

    const memberUser = await outsider();
    const added = await asOwner(ADD, { email: memberUser.email, role: "MEMBER" });
    const membershipId = added.json.data.addMember.membership.id;
    const [event] = await eventsOf(rowIdOf(membershipId));
    expect(event).toMatchObject({ type: "membership.added", actorType: "user", actorId: owner.id });

    const asMember = await sessionOf(memberUser);
    const refused = await asMember(ADD, { email: owner.email, role: "OWNER" });
    expect(refused.json.data.addMember).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const readRefused = await asMember(`{ organization { memberships { totalCount } } }`);
    expect(readRefused.json.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await asMember(`{ applications { totalCount } }`)).status).toBe(200);

    await asOwner(REMOVE, { id: membershipId });
    const after = await asMember(`{ applications { totalCount } }`);
    expect(after.status).toBe(401);
    expect(after.json.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("lets only admin keys read or change memberships", async () => {
    const [ownerMembership] = await members();
    const user = await outsider();
    for (const scope of API_KEY_SCOPES.filter((s) => s !== "admin")) {
      const client = controlPlane(server, await apiKeyFor(server, organizationId, [scope]));
      const list = await graphqlErrors(client.request(`{ organization { memberships { totalCount } } }`));
      expect(list[0]?.extensions?.code, scope).toBe("FORBIDDEN");
      const node = await graphqlErrors(
        client.request(`query ($id: ID!) { node(id: $id) { ... on Membership { email } } }`, {
          id: ownerMembership.id,
        }),
      );
      expect(node[0]?.extensions?.code, scope).toBe("FORBIDDEN");
      for (const [mutation, variables] of [
        [`mutation ($e: String!) { addMember(email: $e, role: OWNER) { __typename } }`, { e: user.email }],
        [`mutation ($id: ID!) { changeMemberRole(id: $id, role: MEMBER) { __typename } }`, { id: ownerMembership.id }],
        [`mutation ($id: ID!) { removeMember(id: $id) { __typename } }`, { id: ownerMembership.id }],
      ] as [string, Record<string, unknown>][]) {
        const result: any = await client.request(mutation, variables);
        expect(Object.values(result)[0], `${scope} ${mutation}`).toEqual({ __typename: "ForbiddenError" });
      }
    }
    expect((await members()).map((m) => m.email)).not.toContain(user.email);
  });

  it("never shows or changes another organization's memberships", async () => {
    const [ours] = await members();
    const { organizationId: otherOrg, user: otherOwner } = await createUser(server.orm);
    const other = controlPlane(server, await apiKeyFor(server, otherOrg));
    const theirs = await members(other);
    expect(theirs.map((m) => m.email)).toEqual([otherOwner.email]);
    const node = await graphqlErrors(other.request(`query ($id: ID!) { node(id: $id) { id } }`, { id: ours.id }));
    expect(node[0]?.message).toBe("Membership not found");
    const change: any = await other.request(CHANGE, { id: ours.id, role: "MEMBER" });
    expect(change.changeMemberRole).toMatchObject({ __typename: "NotFoundError", resource: "Membership" });
    const remove: any = await other.request(REMOVE, { id: ours.id });
    expect(remove.removeMember).toMatchObject({ __typename: "NotFoundError", resource: "Membership" });
    // Adding our owner to their organization is theirs to do, and leaves ours untouched.
    const added: any = await other.request(ADD, { email: owner.email, role: "MEMBER" });
    expect(added.addMember.membership.organization.id).toBe(globalId("Organization", otherOrg));
    expect((await members()).find((m) => m.id === ours.id)?.role).toBe("OWNER");
  });
});
