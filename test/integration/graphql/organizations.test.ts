import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event, Grant, Membership, Organization } from "../../../server/db/entities/index.ts";
import { apiKeyFor, controlPlane, globalId, graphqlErrors } from "../../support/control-plane.ts";
import { authorizeUrl, introspect, token } from "../../support/oauth-client.ts";
import {
  authorizeInBrowser,
  createApp,
  createUser,
  REDIRECT,
  signIn,
  type TestUser,
} from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let owner: TestUser;
let homeId: string;

const ERRORS = `... on Error { message code } ... on ValidationError { field } ... on ConflictError { field }`;
const CREATE = `mutation ($name: String!) { createOrganization(name: $name) {
  __typename ... on OrganizationPayload { organization { id name slug } } ${ERRORS} } }`;
const UPDATE = `mutation ($id: ID!, $name: String) { updateOrganization(id: $id, name: $name) {
  __typename ... on OrganizationPayload { organization { id name slug } } ${ERRORS} } }`;
const DELETE = `mutation ($id: ID!, $confirmName: String!) { deleteOrganization(id: $id, confirmName: $confirmName) {
  __typename ... on DeleteOrganizationPayload { deletedOrganizationId } ${ERRORS} } }`;
const MINE = `{ viewer { organizations { role isCurrent organization { id name slug } } } }`;

type Session = {
  agent: UserAgent;
  gql: (query: string, variables?: Record<string, unknown>, organization?: string) => Promise<any>;
};

/** GraphQL as a signed-in user through their session cookie, acting in `organization` when given. */
async function sessionOf(user: TestUser): Promise<Session> {
  const agent = new UserAgent(server.url);
  expect((await signIn(agent, user)).status).toBe(303);
  const gql = async (query: string, variables: Record<string, unknown> = {}, organization?: string) => {
    const cookie = [...agent.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie,
        ...(organization ? { "latch-organization": organization } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await response.json()) as { data?: any; errors?: any[] };
    if (json.errors) throw new Error(`${response.status} ${JSON.stringify(json.errors)}`);
    return json.data;
  };
  return { agent, gql };
}

const rowIdOf = (id: string) => Buffer.from(id, "base64").toString().split(":")[1]!;

beforeAll(async () => {
  server = await startTestServer();
  ({ user: owner, organizationId: homeId } = await createUser(server.orm, { orgName: "Home" }));
});
afterAll(() => server?.stop());

describe("createOrganization", () => {
  it("makes the signed-in creator its owner, with a unique slug, and lists it in viewer.organizations", async () => {
    const { gql } = await sessionOf(owner);
    const first = (await gql(CREATE, { name: "  Acme Ünïted  " })).createOrganization;
    expect(first.__typename).toBe("OrganizationPayload");
    expect(first.organization).toMatchObject({ name: "Acme Ünïted", slug: "acme-united" });
    const second = (await gql(CREATE, { name: "Acme United!" })).createOrganization;
    expect(second.organization.slug).toBe("acme-united-2");

    const id = rowIdOf(first.organization.id);
    const membership = await server.orm.em.fork().findOneOrFail(Membership, { organization: id, user: owner.id });
    expect(membership.role).toBe("owner");
    const events = await server.orm.em.fork().find(Event, { organizationId: id, type: "organization.created" });
    expect(events).toHaveLength(1);
    expect(events[0]!.actorId).toBe(owner.id);

    const mine = (await gql(MINE)).viewer.organizations;
    expect(mine.map((o: any) => o.organization.name)).toEqual(["Home", "Acme Ünïted", "Acme United!"]);
    expect(mine.map((o: any) => o.role)).toEqual(["OWNER", "OWNER", "OWNER"]);
    expect(mine.map((o: any) => o.isCurrent)).toEqual([true, false, false]);
    // The Latch-Organization header (id or slug) switches the workspace the request acts in.
    const switched = (await gql(MINE, {}, "acme-united-2")).viewer.organizations;
    expect(switched.map((o: any) => o.isCurrent)).toEqual([false, false, true]);
    const acting = await gql("{ organization { name } }", {}, id);
    expect(acting.organization.name).toBe("Acme Ünïted");
  });

  it("refuses a blank name with a ValidationError on name, and API keys with a ForbiddenError", async () => {
    const { gql } = await sessionOf(owner);
    const blank = (await gql(CREATE, { name: "   " })).createOrganization;
    expect(blank).toMatchObject({ __typename: "ValidationError", field: "name" });
    const byKey: any = await controlPlane(server, await apiKeyFor(server, homeId)).request(CREATE, { name: "Nope" });
    expect(byKey.createOrganization.__typename).toBe("ForbiddenError");
    expect(await server.orm.em.fork().count(Organization, { name: "Nope" })).toBe(0);
  });

  it("lets a signed-in user who belongs to no workspace create one", async () => {
    const { user, organizationId } = await createUser(server.orm);
    await server.orm.em.fork().nativeDelete(Membership, { organization: organizationId });
    const { gql } = await sessionOf(user);
    // Until then only `viewer` answers (with no organization, so a console can offer to create one); every other
    // field is refused, none is a 500.
    expect((await gql("{ viewer { kind organization { id } organizations { role } } }")).viewer).toEqual({
      kind: "USER",
      organization: null,
      organizations: [],
    });
    for (const query of [
      "{ organization { name } }",
      `{ node(id: "${globalId("Membership", crypto.randomUUID())}") { id } }`,
      `{ node(id: "${globalId("Application", crypto.randomUUID())}") { id } }`,
    ]) {
      await expect(gql(query)).rejects.toThrow(/"code":"FORBIDDEN"|not found/i);
    }
    const created = (await gql(CREATE, { name: "Fresh start" })).createOrganization;
    expect(created.__typename).toBe("OrganizationPayload");
    expect((await gql(MINE)).viewer.organizations).toHaveLength(1);
  });

  it("appears in the consent page's workspace picker", async () => {
    const { gql, agent } = await sessionOf(owner);
    await gql(CREATE, { name: "Picker Co" });
    const app = await createApp(server.orm, homeId);
    const page = await agent.get(authorizeUrl(app));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<select id="workspace"[^>]*>[\s\S]*Picker Co[\s\S]*<\/select>/);
  });
});

describe("updateOrganization", () => {
  it("renames the workspace for owners and admins, keeps the slug, and writes organization.updated", async () => {
    const { user: admin, organizationId } = await createUser(server.orm, { role: "admin", orgName: "Old name" });
    const { gql } = await sessionOf(admin);
    const renamed = (await gql(UPDATE, { id: globalId("Organization", organizationId), name: "New name" }))
      .updateOrganization;
    expect(renamed.organization.name).toBe("New name");
    expect(renamed.organization.slug).toMatch(/^ws-/);
    const [event] = await server.orm.em.fork().find(Event, { organizationId, type: "organization.updated" });
    expect(event!.payload).toEqual({ name: "New name", previousName: "Old name" });

    const other = (await gql(UPDATE, { id: globalId("Organization", homeId), name: "Hijack" })).updateOrganization;
    expect(other).toMatchObject({ __typename: "ValidationError", field: "id" });
    const { user: member, organizationId: theirs } = await createUser(server.orm, { role: "member" });
    const asMember = (await (await sessionOf(member)).gql(UPDATE, { id: globalId("Organization", theirs), name: "x" }))
      .updateOrganization;
    expect(asMember.__typename).toBe("ForbiddenError");
  });
});

describe("sign-up settings", () => {
  const SETTINGS = `mutation ($id: ID!, $signUpPolicy: SignUpPolicy, $requireVerifiedEmail: Boolean) {
    updateOrganization(id: $id, signUpPolicy: $signUpPolicy, requireVerifiedEmail: $requireVerifiedEmail) {
      __typename ... on OrganizationPayload { organization { name signUpPolicy requireVerifiedEmail } } ${ERRORS} } }`;

  it("starts CLOSED without a verification rule, and owners and admins set both; members cannot", async () => {
    const { user: admin, organizationId } = await createUser(server.orm, { role: "admin", orgName: "Settings Co" });
    const { gql } = await sessionOf(admin);
    const before = await gql("{ organization { signUpPolicy requireVerifiedEmail } }");
    expect(before.organization).toEqual({ signUpPolicy: "CLOSED", requireVerifiedEmail: false });

    const id = globalId("Organization", organizationId);
    const set = (await gql(SETTINGS, { id, signUpPolicy: "OPEN", requireVerifiedEmail: true })).updateOrganization;
    expect(set.organization).toEqual({ name: "Settings Co", signUpPolicy: "OPEN", requireVerifiedEmail: true });
    const row = await server.orm.em.fork().findOneOrFail(Organization, { id: organizationId });
    expect([row.signUpPolicy, row.requireVerifiedEmail]).toEqual(["OPEN", true]);
    const [event] = await server.orm.em.fork().find(Event, { organizationId, type: "organization.updated" });
    expect(event!.payload).toEqual({
      signUpPolicy: "OPEN",
      previousSignUpPolicy: "CLOSED",
      requireVerifiedEmail: true,
    });

    // A left-out field stays; a rename alone leaves the policy as it is.
    const renamed = (await gql(UPDATE, { id, name: "Settings Ltd" })).updateOrganization;
    expect(renamed.__typename).toBe("OrganizationPayload");
    const after = await gql("{ organization { name signUpPolicy requireVerifiedEmail } }");
    expect(after.organization).toEqual({ name: "Settings Ltd", signUpPolicy: "OPEN", requireVerifiedEmail: true });

    const { user: member, organizationId: theirs } = await createUser(server.orm, { role: "member" });
    const asMember = (
      await (await sessionOf(member)).gql(SETTINGS, { id: globalId("Organization", theirs), signUpPolicy: "OPEN" })
    ).updateOrganization;
    expect(asMember.__typename).toBe("ForbiddenError");
    const untouched = await server.orm.em.fork().findOneOrFail(Organization, { id: theirs });
    expect(untouched.signUpPolicy).toBe("CLOSED");
  });

  it("refuses a value outside the enum and another organization's id", async () => {
    const { gql } = await sessionOf(owner);
    await expect(gql(SETTINGS, { id: globalId("Organization", homeId), signUpPolicy: "EVERYONE" })).rejects.toThrow(
      /SignUpPolicy/,
    );
    const { organizationId: other } = await createUser(server.orm);
    const hijack = (await gql(SETTINGS, { id: globalId("Organization", other), signUpPolicy: "OPEN" }))
      .updateOrganization;
    expect(hijack).toMatchObject({ __typename: "ValidationError", field: "id" });
    expect((await server.orm.em.fork().findOneOrFail(Organization, { id: other })).signUpPolicy).toBe("CLOSED");
  });
});

describe("deleteOrganization", () => {
  it("refuses non-owners, API keys, a wrong name and the user's only workspace", async () => {
    const { gql } = await sessionOf(owner);
    const created = (await gql(CREATE, { name: "Guarded" })).createOrganization.organization;
    const id = rowIdOf(created.id);

    const { user: admin } = await createUser(server.orm);
    const em = server.orm.em.fork();
    em.create(Membership, { user: admin.id, organization: id, role: "admin", createdAt: new Date() });
    await em.flush();
    const asAdmin = (await (await sessionOf(admin)).gql(DELETE, { id: created.id, confirmName: "Guarded" }, id))
      .deleteOrganization;
    expect(asAdmin.__typename).toBe("ForbiddenError");
    const key = await apiKeyFor(server, id);
    const byKey: any = await controlPlane(server, key).request(DELETE, { id: created.id, confirmName: "Guarded" });
    expect(byKey.deleteOrganization.__typename).toBe("ForbiddenError");
    const wrong = (await gql(DELETE, { id: created.id, confirmName: "guarded" }, id)).deleteOrganization;
    expect(wrong).toMatchObject({ __typename: "ValidationError", field: "confirmName" });
    expect(await server.orm.em.fork().count(Organization, { id })).toBe(1);

    const { user: loner, organizationId: only } = await createUser(server.orm, { orgName: "Only one" });
    const last = (
      await (await sessionOf(loner)).gql(DELETE, { id: globalId("Organization", only), confirmName: "Only one" })
    ).deleteOrganization;
    expect(last).toMatchObject({ __typename: "ConflictError", field: "id" });
  });

  it("takes its apps, grants and API keys with it: tokens introspect inactive, the key fails", async () => {
    const { gql, agent } = await sessionOf(owner);
    const created = (await gql(CREATE, { name: "Doomed" })).createOrganization.organization;
    const id = rowIdOf(created.id);

    // An app of the doomed workspace, and a token it issued.
    const inside = await createApp(server.orm, id);
    const insideToken = await token(server, inside, { grant_type: "client_credentials" });
    expect(insideToken.status).toBe(200);
    expect((await introspect(server, inside, insideToken.body.access_token)).body.active).toBe(true);

    // An app of another workspace that the user authorized *for* the doomed one: its grant goes too.
    const outside = await createApp(server.orm, homeId);
    const callback = await authorizeInBrowser(agent, owner, authorizeUrl(outside), { workspace: id });
    const code = callback.searchParams.get("code")!;
    const exchanged = await token(server, outside, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
    expect(exchanged.status).toBe(200);
    const userToken = exchanged.body.access_token as string;
    expect((await introspect(server, outside, userToken)).body.active).toBe(true);

    const key = await apiKeyFor(server, id);
    expect(((await controlPlane(server, key).request("{ organization { name } }")) as any).organization.name).toBe(
      "Doomed",
    );

    const deleted = (await gql(DELETE, { id: created.id, confirmName: "Doomed" }, id)).deleteOrganization;
    expect(deleted).toEqual({ __typename: "DeleteOrganizationPayload", deletedOrganizationId: created.id });

    expect((await introspect(server, outside, userToken)).body).toEqual({ active: false });
    expect(await server.orm.em.fork().count(Grant, { organization: id })).toBe(0);
    const again = await token(server, inside, { grant_type: "client_credentials" });
    expect(again.status).toBe(401);
    const errors = await graphqlErrors(controlPlane(server, key).request("{ organization { name } }"));
    expect(errors[0]!.extensions?.code).toBe("UNAUTHENTICATED");
    const [event] = await server.orm.em.fork().find(Event, { organizationId: id, type: "organization.deleted" });
    expect(event!.payload).toEqual({ name: "Doomed", slug: "doomed" });
    expect((await gql(MINE)).viewer.organizations.map((o: any) => o.organization.name)).not.toContain("Doomed");
    // A console still naming the deleted workspace is told it is not a member, not answered with a 500.
    await expect(gql(MINE, {}, id)).rejects.toThrow(/^401 .*not a member/);
  });
});
