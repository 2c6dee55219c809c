import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event, Membership, Session, TotpFactor, User } from "../../../server/db/entities/index.ts";
import { issueVerificationLink } from "../../../server/services/users/send-verification-email.ts";
import { verifyEmail } from "../../../server/services/users/verify-email.ts";
import { apiKeyFor, controlPlane, globalId } from "../../support/control-plane.ts";
import { createApp, createUser, PASSWORD } from "../../support/oauth-fixtures.ts";
import { codeFor, codeStep, enrolled, passwordStep, submit } from "../../support/second-factor.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

describe("TOTP second factor: policy and other ways in", () => {
  it("enforces an organization's require-MFA-for-admins policy at the next sign-in, and refuses removing the app", async () => {
    const { user: owner, organizationId } = await createUser(server.orm);
    const { user: member } = await createUser(server.orm);
    const em = server.orm.em.fork();
    em.create(Membership, { user: member.id, organization: organizationId, role: "member", createdAt: new Date() });
    await em.flush();
    const updated = await controlPlane(server, await apiKeyFor(server, organizationId)).request<{
      updateOrganization: { organization: { requireMfaForAdmins: boolean } };
    }>(
      `mutation ($id: ID!) { updateOrganization(id: $id, requireMfaForAdmins: true) {
        ... on OrganizationPayload { organization { requireMfaForAdmins } } } }`,
      { id: globalId("Organization", organizationId) },
    );
    expect(updated.updateOrganization.organization.requireMfaForAdmins).toBe(true);

    // A member is not concerned.
    expect((await passwordStep(new UserAgent(server.url), member)).status).toBe(303);

    const agent = new UserAgent(server.url);
    const step = await passwordStep(agent, owner, "/account/sessions");
    expect(step.status).toBe(200);
    const html = await step.text();
    expect(html).toContain("Set up two-step verification");
    expect(html).toContain("<svg");
    expect(agent.cookies.has("latch_session")).toBe(false);
    const secret = html.match(/data-testid="totp-secret">([A-Z2-7 ]+)</)![1]!.replace(/ /g, "");
    const wrong = await codeStep(agent, html, String((Number(codeFor(secret)) + 1) % 1_000_000).padStart(6, "0"));
    expect(wrong.status).toBe(401);
    const wrongHtml = await wrong.text();
    // The same secret is shown again, not a new one.
    expect(wrongHtml).toContain(secret.match(/.{1,4}/g)!.join(" "));
    const done = await codeStep(agent, wrongHtml, codeFor(secret));
    expect(done.status).toBe(200);
    const page = await done.text();
    expect(page.match(/<li><code>[0-9a-z]{5}-[0-9a-z]{5}<\/code><\/li>/g)).toHaveLength(10);
    expect(page).toContain('href="/account/sessions"');
    expect((await agent.get("/account/sessions")).status).toBe(200);
    const after = server.orm.em.fork();
    expect(await after.count(Session, { user: owner.id, secondFactor: "totp" })).toBe(1);
    expect(await after.count(Event, { type: "user.mfa_enrolled", subjectId: owner.id })).toBe(1);

    const refused = await submit(agent, "/account/security", "/account/security/totp/remove", {
      current_password: PASSWORD,
    });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("An organization you administer requires a second factor");
    expect(await server.orm.em.fork().count(TotpFactor, { user: owner.id, confirmedAt: { $ne: null } })).toBe(1);

    // The next sign-in asks for a code of the app, like any enrolled user's.
    const next = await (await passwordStep(new UserAgent(server.url), owner)).text();
    expect(next).toContain("Enter the 6-digit code from your authenticator app");
  });

  it("refuses the password grant for an account with a second factor", async () => {
    const { user } = await enrolled(server);
    const [membership] = await server.orm.em
      .fork()
      .getConnection()
      .execute<{ organization_id: string }[]>("select organization_id from memberships where user_id = ?", [user.id]);
    const app = await createApp(server.orm, membership!.organization_id, {
      grantTypes: ["authorization_code", "refresh_token", "password"],
      allowPasswordGrant: true,
    });
    const response = await fetch(`${server.url}/oauth2/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString("base64")}`,
      },
      body: new URLSearchParams({ grant_type: "password", username: user.email, password: PASSWORD, scope: "openid" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: "invalid_grant",
      error_description: expect.stringContaining("second factor"),
    });
  });

  it("verifies the email of an account with an app through a link without signing it in (a link is one factor)", async () => {
    const { user } = await enrolled(server);
    const em = server.orm.em.fork();
    const row = await em.findOneOrFail(User, { id: user.id });
    const link = issueVerificationLink(em, server.url, { user: row, returnTo: null }, new Date());
    await em.flush();
    const token = new URL(link).searchParams.get("token");
    const sessions = await server.orm.em.fork().count(Session, { user: user.id });
    const result = await verifyEmail(
      server.orm.em.fork(),
      { token, signedInUserId: null, ip: null, userAgent: null },
      new Date(),
    );
    expect(result).toMatchObject({ ok: true, session: null });
    expect(await server.orm.em.fork().count(Session, { user: user.id })).toBe(sessions);
  });

  it("replaces the recovery codes after the password: the old ones stop working, the new ones sign in", async () => {
    const { user, agent, recoveryCodes } = await enrolled(server);
    const wrong = await submit(agent, "/account/security", "/account/security/recovery-codes", {
      current_password: "not my password",
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/id="recovery-error"[^>]*>Your current password is not correct\./);
    const renewed = await submit(agent, "/account/security", "/account/security/recovery-codes", {
      current_password: PASSWORD,
    });
    expect(renewed.status).toBe(200);
    const fresh = [...(await renewed.text()).matchAll(/<li><code>([0-9a-z]{5}-[0-9a-z]{5})<\/code><\/li>/g)].map(
      (m) => m[1]!,
    );
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => recoveryCodes.includes(code))).toEqual([]);
    const browser = new UserAgent(server.url);
    const html = await (await passwordStep(browser, user)).text();
    const old = await codeStep(browser, html, recoveryCodes[0]!);
    expect(old.status).toBe(401);
    const signedIn = await codeStep(browser, await old.text(), fresh[0]!);
    expect(signedIn.status).toBe(303);
  });
});
