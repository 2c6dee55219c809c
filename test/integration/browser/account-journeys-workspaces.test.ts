import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Connection, Grant, Membership, Organization, User } from "../../../server/db/entities/index.ts";
import {
  expectAccessible,
  graphqlAs,
  type JourneyHarness,
  screenshot,
  signInTo,
  startJourneyHarness,
  VIEWPORTS,
} from "../../support/account-browser.ts";
import { insertIntegration } from "../../support/integration-fixtures.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { linkIn } from "../../support/smtp-capture.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";

let harness: JourneyHarness;
let upstream: UpstreamProvider;

const INVITE = `mutation ($email: String!, $role: MembershipRole!) { inviteMember(email: $email, role: $role) {
  __typename ... on InvitationPayload { invitation { id email state } } ... on Error { message } } }`;
const CREATE_WORKSPACE = `mutation ($name: String!) { createOrganization(name: $name) {
  __typename ... on OrganizationPayload { organization { id name } } ... on Error { message } } }`;

beforeAll(async () => {
  harness = await startJourneyHarness("Acme Invites");
  upstream = await startUpstreamProvider({
    clients: [
      {
        clientId: "files",
        clientSecret: "files-secret-0123456789",
        redirectUris: [`${harness.server.url}/oauth/callback`],
      },
    ],
    interaction: "auto",
  });
}, 16 * 60_000);
afterAll(async () => {
  await upstream?.close();
  await harness?.stop();
});

describe("workspace journeys in Chromium", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: the owner invites a new person, who accepts from the mailed link, signs up and is a member`, async () => {
      const { server, smtp } = harness;
      const email = `invitee-${viewport.name}-${Date.now()}@example.com`;
      const { page: ownerPage } = await harness.openPage(viewport);
      await signInTo(ownerPage, server, harness.owner, "/account/profile");
      const since = smtp.messages.length;
      const invited = await graphqlAs(ownerPage, server, harness.organizationId, INVITE, { email, role: "MEMBER" });
      expect(invited.inviteMember).toMatchObject({ __typename: "InvitationPayload", invitation: { state: "PENDING" } });

      const mail = await smtp.waitFor(email, { since });
      expect(mail.subject).toBe(`Join ${harness.organizationName} on Latch`);
      const { page, cspErrors } = await harness.openPage(viewport);
      await page.goto(linkIn(mail, `${server.url}/invitations/accept?token=`));
      // The token leaves the address bar (it moves to a cookie) before anything is shown.
      expect(new URL(page.url()).search).toBe("");
      await page.getByRole("button", { name: "Create account and join" }).waitFor();
      await expectAccessible(page, "invitation, new person");
      await screenshot(page, viewport, "invite-accept");
      await page.getByLabel("Your name").fill(`Invitee ${viewport.name}`);
      await page.getByLabel("Password", { exact: true }).fill("an invited person's passphrase");
      await page.getByRole("button", { name: "Create account and join" }).click();
      await page.getByRole("heading", { name: `You joined ${harness.organizationName}` }).waitFor();
      await screenshot(page, viewport, "invite-joined");

      const em = server.orm.em.fork();
      const user = await em.findOneOrFail(User, { emailNormalized: email });
      expect(user.emailVerified).toBe(true);
      const membership = await em.findOneOrFail(Membership, { organization: harness.organizationId, user: user.id });
      expect(membership.role).toBe("member");
      // Signed in by accepting: the account pages open without a login.
      await page.goto(`${server.url}/account/profile`);
      expect(new URL(page.url()).pathname).toBe("/account/profile");
      expect(cspErrors).toEqual([]);
    });

    it(`at ${viewport.width} px: a workspace the user creates appears in the consent page's picker and can be chosen`, async () => {
      const { server } = harness;
      const { user, organizationId: home } = await createUser(server.orm, { orgName: `Home ${viewport.name}` });
      const name = `Side Project ${viewport.name}`;
      const { page, cspErrors } = await harness.openPage(viewport);
      await signInTo(page, server, user, "/account/profile");
      const created = await graphqlAs(page, server, home, CREATE_WORKSPACE, { name });
      expect(created.createOrganization.__typename).toBe("OrganizationPayload");
      const workspaceId = await server.orm.em
        .fork()
        .findOneOrFail(Organization, { name })
        .then((o) => o.id);

      const request = await harness.authorizeRequest("openid email");
      await page.goto(request.url);
      await page.getByRole("button", { name: "Authorize" }).waitFor();
      const picker = page.getByLabel("Workspace");
      const options = await picker.locator("option").allTextContents();
      expect(options.map((text) => text.trim()).sort()).toEqual([`Home ${viewport.name}`, name].sort());
      await picker.selectOption({ label: name });
      await expectAccessible(page, "consent with the workspace picker");
      await screenshot(page, viewport, "workspace-consent-picker");
      const tokens = await harness.authorizeAndRedeem(page, request);
      expect(tokens.access_token).toBeTruthy();
      const grant = await server.orm.em.fork().findOneOrFail(Grant, { user: user.id, revokedAt: null });
      expect(grant.organization?.id).toBe(workspaceId);
      expect(cspErrors).toEqual([]);
    });

    it(`at ${viewport.width} px: the account pages (profile, password, sessions, apps, connections, delete) pass axe-core; Reconnect comes back active`, async () => {
      const { server } = harness;
      const { user, organizationId } = await createUser(server.orm);
      // A connection that needs reconnecting, so the Connections page shows its status tag and buttons.
      const integration = await insertIntegration(server, {
        organizationId,
        domain: "files.example",
        grantType: "authorization_code",
        clientId: "files",
        clientSecret: "files-secret-0123456789",
        authorizeUrl: upstream.endpoints.authorization,
        tokenUrl: upstream.endpoints.token,
        scopes: ["files.read"],
      });
      const em = server.orm.em.fork();
      em.create(Connection, {
        integration: integration.id,
        user: user.id,
        status: "needs_reauth",
        scopes: ["files.read"],
        error: "invalid_grant",
      });
      await em.flush();
      const { page, cspErrors } = await harness.openPage(viewport);
      await signInTo(page, server, user, "/account/profile");
      for (const [path, heading] of [
        ["/account/profile", "Your profile"],
        ["/account/password", "Password"],
        ["/account/sessions", "Sessions"],
        ["/account/connections", "Authorized apps"],
        ["/account/integrations", "Connections"],
        ["/account/delete", "Delete your account"],
      ] as const) {
        await page.goto(`${server.url}${path}`);
        await page.getByRole("heading", { level: 1, name: heading }).waitFor();
        await expectAccessible(page, path);
        if (path === "/account/integrations")
          await page.getByRole("link", { name: "Reconnect files.example" }).waitFor();
        await screenshot(page, viewport, `account${path.replaceAll("/", "-")}`);
      }
      // Reconnect runs the connect flow in this tab and comes back to the page, the connection active again.
      await page.goto(`${server.url}/account/integrations`);
      await page.getByRole("link", { name: "Reconnect files.example" }).click();
      await page.getByRole("heading", { name: "Connected" }).waitFor({ timeout: 20_000 });
      await screenshot(page, viewport, "account-integrations-reconnected");
      await page.getByRole("link", { name: "your connections" }).click();
      await page.getByRole("heading", { name: "Connected services (1)" }).waitFor();
      expect(await page.getByRole("link", { name: "Reconnect files.example" }).count()).toBe(0);
      const reconnected = await server.orm.em.fork().find(Connection, { user: user.id });
      expect(reconnected.map((row) => row.status)).toEqual(["active"]);
      // A refused form keeps the page accessible: its alert is tied to the field.
      await page.goto(`${server.url}/account/password`);
      await page.getByLabel("Current password").fill("not the password");
      await page.getByLabel("New password").fill("another journey passphrase");
      await page.getByRole("button", { name: "Change password" }).click();
      await page.getByRole("alert").waitFor();
      await expectAccessible(page, "password change refused");
      await screenshot(page, viewport, "account-password-refused");
      // Signing in again keeps working (the refused change changed nothing).
      await page.context().clearCookies();
      await signInTo(page, server, user, "/account/sessions");
      expect(cspErrors).toEqual([]);
    });
  }
});
