import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../../server/crypto/sha256.ts";
import { Event, Invitation, Membership, User } from "../../../server/db/entities/index.ts";
import { createUser, signIn, type TestUser } from "../../support/oauth-fixtures.ts";
import { linkIn, type SmtpCapture, startSmtpCapture } from "../../support/smtp-capture.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, location, UserAgent } from "../../support/user-agent.ts";

let smtp: SmtpCapture;
let server: TestServer;
let owner: TestUser;
let organizationId: string;
const logs: string[] = [];

const BASE_ERRORS = `... on Error { __typename message code } ... on ConflictError { field } ... on ValidationError { field }`;
const ERRORS = `${BASE_ERRORS} ... on RateLimitedError { retryAfterSeconds }`;
const INVITE = `mutation ($email: String!, $role: MembershipRole!) { inviteMember(email: $email, role: $role) {
  __typename ... on InvitationPayload { invitation { id email role state expiresAt invitedBy { email } } } ${ERRORS} } }`;
const RESEND = `mutation ($id: ID!) { resendInvitation(id: $id) { __typename ... on InvitationPayload { invitation { id state } } ${ERRORS} } }`;
const REVOKE = `mutation ($id: ID!) { revokeInvitation(id: $id) { __typename ... on InvitationPayload { invitation { id state } } ${BASE_ERRORS} } }`;
const PENDING = `{ organization { invitations(first: 10) { totalCount edges { node { id email role state } } } } }`;

type Gql = (query: string, variables?: Record<string, unknown>) => Promise<any>;

/** GraphQL as a signed-in user through their session cookie, in `organizationId`. */
async function sessionOf(user: TestUser, org = organizationId): Promise<Gql> {
  const agent = new UserAgent(server.url);
  expect((await signIn(agent, user)).status).toBe(303);
  const cookie = [...agent.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  return async (query, variables = {}) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "latch-organization": org },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await response.json()) as { data?: any; errors?: any[] };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    return json.data;
  };
}

let asOwner: Gql;

async function invite(as: Gql, email: string, role = "MEMBER"): Promise<{ id: string; link: string }> {
  const since = smtp.messages.length;
  const result = (await as(INVITE, { email, role })).inviteMember;
  expect(result.__typename).toBe("InvitationPayload");
  const mail = await mailTo(email, since);
  return { id: result.invitation.id, link: linkIn(mail, `${server.url}/invitations/accept?token=`) };
}

/** The first message to `email` (compared case-insensitively) after `since` messages. */
async function mailTo(email: string, since: number) {
  for (let tries = 0; tries < 200; tries++) {
    const found = smtp.messages.slice(since).find((m) => m.to.some((to) => to.toLowerCase() === email.toLowerCase()));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no mail to ${email}`);
}

/** Opens the mailed link like a browser: the token moves into a cookie and the page reloads without it. */
async function open(agent: UserAgent, link: string): Promise<Response> {
  const first = await agent.get(link);
  expect(first.status).toBe(303);
  expect(location(first)).toBe("/invitations/accept");
  return agent.get("/invitations/accept");
}

const memberOf = async (userEmail: string) =>
  server.orm.em.fork().findOne(Membership, { organization: organizationId, user: { emailNormalized: userEmail } });

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({ env: { LATCH_SMTP_URL: smtp.url }, logs });
  ({ user: owner, organizationId } = await createUser(server.orm, { orgName: "Acme Robotics" }));
  asOwner = await sessionOf(owner);
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

describe("invitations", () => {
  it("invites a new person, who creates an account from the mailed link and becomes a member", async () => {
    const email = `new-${Date.now()}@example.com`;
    const { id, link } = await invite(asOwner, email, "ADMIN");
    const mail = smtp.messages.find((m) => m.to.includes(email))!;
    expect(mail.subject).toBe("Join Acme Robotics on Latch");
    expect(mail.text).toContain("as an admin");
    expect(mail.html).toContain(link.replace(/&/g, "&amp;"));

    // Only the hash is stored; the pending list shows it.
    const token = new URL(link).searchParams.get("token")!;
    const row = await server.orm.em.fork().findOneOrFail(Invitation, { organization: organizationId, email });
    expect(row.tokenHash).toBe(hashSecret(token));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(7 * 24 * 3600_000);
    const pending = (await asOwner(PENDING)).organization.invitations;
    expect(pending.edges.map((e: any) => e.node)).toContainEqual({ id, email, role: "ADMIN", state: "PENDING" });

    const agent = new UserAgent(server.url);
    const page = await open(agent, link);
    expect(page.status).toBe(200);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await page.text();
    expect(html).toContain("Join Acme Robotics");
    expect(html).not.toContain(token);

    // The password policy answers readably and nothing is created.
    const weak = await agent.post("/invitations/accept", {
      csrf_token: hiddenField(html, "csrf_token"),
      intent: "create_account",
      display_name: "Nova Person",
      password: "password",
    });
    expect(weak.status).toBe(400);
    const weakHtml = await weak.text();
    expect(weakHtml).toContain("This password is too common");
    expect(await server.orm.em.fork().count(User, { emailNormalized: email })).toBe(0);

    const done = await agent.post("/invitations/accept", {
      csrf_token: hiddenField(weakHtml, "csrf_token"),
      intent: "create_account",
      display_name: "Nova Person",
      password: "a long enough passphrase",
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("You joined Acme Robotics");
    // Signed in: the new session reaches the account pages.
    expect((await agent.get("/account/connections")).status).toBe(200);

    const user = await server.orm.em.fork().findOneOrFail(User, { emailNormalized: email });
    expect(user.emailVerified).toBe(true);
    expect(user.displayName).toBe("Nova Person");
    expect((await memberOf(email))?.role).toBe("admin");
    const types = (await server.orm.em.fork().find(Event, { organizationId }, { orderBy: { createdAt: "asc" } })).map(
      (e) => e.type,
    );
    expect(types).toEqual(expect.arrayContaining(["invitation.created", "invitation.accepted", "membership.added"]));
    expect((await asOwner(PENDING)).organization.invitations.edges.some((e: any) => e.node.id === id)).toBe(false);

    // Single use: the same link again is a readable page, not a second account or membership.
    const replay = await open(new UserAgent(server.url), link);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("This invitation was already used");
    // No log line carries the token.
    expect(logs.some((line) => line.includes(token))).toBe(false);
  });

  it("sends an existing user to sign in, back to the page, and makes them a member", async () => {
    const { user: existing } = await createUser(server.orm);
    const { link } = await invite(asOwner, existing.email.toUpperCase());
    const agent = new UserAgent(server.url);
    const first = await agent.get(link);
    expect(first.status).toBe(303);
    const toLogin = await agent.get(location(first));
    expect(toLogin.status).toBe(303);
    expect(location(toLogin)).toBe("/login?return_to=%2Finvitations%2Faccept");
    const signedIn = await signIn(agent, existing, "/invitations/accept");
    expect(location(signedIn)).toBe("/invitations/accept");
    const confirm = await agent.get("/invitations/accept");
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain("Accept invitation");
    // A forged form is refused, and changes nothing.
    const forged = await agent.post("/invitations/accept", { csrf_token: "forged", intent: "accept" });
    expect(forged.status).toBe(403);
    expect(await memberOf(existing.email)).toBeNull();
    const accepted = await agent.post("/invitations/accept", {
      csrf_token: hiddenField(html, "csrf_token"),
      intent: "accept",
    });
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain("a member of Acme Robotics");
    expect((await memberOf(existing.email))?.role).toBe("member");
  });

  it("shows a signed-in user of another address a page offering to sign out, and accepts nothing", async () => {
    const email = `someone-${Date.now()}@example.com`;
    const { link } = await invite(asOwner, email);
    const { user: intruder } = await createUser(server.orm);
    const agent = new UserAgent(server.url);
    await signIn(agent, intruder);
    const page = await open(agent, link);
    expect(page.status).toBe(403);
    const html = await page.text();
    expect(html).toContain("This invitation is for another account");
    expect(html).toContain(email);
    // Posting "accept" anyway is refused.
    const sneaky = await agent.post("/invitations/accept", {
      csrf_token: hiddenField(html, "csrf_token"),
      intent: "accept",
    });
    expect(sneaky.status).toBe(403);
    expect(await memberOf(intruder.email)).toBeNull();
    // Signing out continues to the account form for the invited address.
    const switched = await agent.post("/invitations/accept", {
      csrf_token: hiddenField(html, "csrf_token"),
      intent: "switch_account",
    });
    expect(location(switched)).toBe("/invitations/accept");
    const form = await agent.get("/invitations/accept");
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("Create account and join");
  });

  it("gives readable pages for expired, revoked, resent-over and mangled links", async () => {
    const expired = await invite(asOwner, `late-${Date.now()}@example.com`);
    await server.orm.em.fork().nativeUpdate(
      Invitation,
      { id: Buffer.from(expired.id, "base64").toString().split(":")[1] },
      {
        expiresAt: new Date(Date.now() - 1000),
      },
    );
    const late = await open(new UserAgent(server.url), expired.link);
    expect(late.status).toBe(400);
    expect(await late.text()).toContain("This invitation has expired");

    const revoked = await invite(asOwner, `revoked-${Date.now()}@example.com`);
    expect((await asOwner(REVOKE, { id: revoked.id })).revokeInvitation.invitation.state).toBe("REVOKED");
    // Idempotent: revoking again answers the same state.
    expect((await asOwner(REVOKE, { id: revoked.id })).revokeInvitation.invitation.state).toBe("REVOKED");
    const gone = await open(new UserAgent(server.url), revoked.link);
    expect(gone.status).toBe(400);
    expect(await gone.text()).toContain("This invitation was withdrawn");
    expect((await asOwner(RESEND, { id: revoked.id })).resendInvitation).toMatchObject({ code: "CONFLICT" });

    const email = `resent-${Date.now()}@example.com`;
    const original = await invite(asOwner, email);
    const since = smtp.messages.length;
    expect((await asOwner(RESEND, { id: original.id })).resendInvitation.invitation.state).toBe("PENDING");
    const fresh = linkIn(await smtp.waitFor(email, { since }), `${server.url}/invitations/accept?token=`);
    expect(fresh).not.toBe(original.link);
    const old = await open(new UserAgent(server.url), original.link);
    expect(old.status).toBe(400);
    expect(await old.text()).toContain("This invitation link doesn");
    expect((await open(new UserAgent(server.url), fresh)).status).toBe(200);

    const mangled = await open(new UserAgent(server.url), `${server.url}/invitations/accept?token=latch_al_nonsense`);
    expect(mangled.status).toBe(400);
    const none = await new UserAgent(server.url).get("/invitations/accept");
    expect(none.status).toBe(400);
    expect(await none.text()).toContain("Open your invitation link");
  });

  it("limits resends of one invitation", async () => {
    const { id } = await invite(asOwner, `often-${Date.now()}@example.com`);
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) answers.push((await asOwner(RESEND, { id })).resendInvitation.__typename);
    expect(answers.slice(0, 4)).toEqual(Array(4).fill("InvitationPayload"));
    expect(answers[4]).toBe("RateLimitedError");
  });

  it("refuses an admin inviting an owner, a member inviting, and inviting a member's address", async () => {
    const { user: admin } = await createUser(server.orm);
    const { user: plain } = await createUser(server.orm);
    const em = server.orm.em.fork();
    em.create(Membership, { user: admin.id, organization: organizationId, role: "admin", createdAt: new Date() });
    em.create(Membership, { user: plain.id, organization: organizationId, role: "member", createdAt: new Date() });
    await em.flush();
    const asAdmin = await sessionOf(admin);
    const asMember = await sessionOf(plain);
    const target = `target-${Date.now()}@example.com`;

    expect((await asAdmin(INVITE, { email: target, role: "OWNER" })).inviteMember).toMatchObject({
      __typename: "ForbiddenError",
    });
    expect((await asMember(INVITE, { email: target, role: "MEMBER" })).inviteMember).toMatchObject({
      __typename: "ForbiddenError",
    });
    expect((await asAdmin(INVITE, { email: plain.email, role: "MEMBER" })).inviteMember).toMatchObject({
      __typename: "ConflictError",
      field: "email",
    });
    expect((await asAdmin(INVITE, { email: "not an address", role: "MEMBER" })).inviteMember).toMatchObject({
      __typename: "ValidationError",
      field: "email",
    });
    expect(await server.orm.em.fork().count(Invitation, { emailNormalized: target })).toBe(0);
    // An admin may invite admins and members; an owner may invite an owner.
    await invite(asAdmin, target, "ADMIN");
    const owned = await invite(asOwner, `co-owner-${Date.now()}@example.com`, "OWNER");
    expect(owned.id).toBeTruthy();
    // Another organization's invitation is not found.
    const { user: stranger } = await createUser(server.orm);
    const strangerOrg = await server.orm.em.fork().findOneOrFail(Membership, { user: stranger.id });
    const asStranger = await sessionOf(stranger, strangerOrg.organization.id);
    expect((await asStranger(REVOKE, { id: owned.id })).revokeInvitation).toMatchObject({
      __typename: "NotFoundError",
    });
  });
});
