import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Membership, User } from "../../../server/db/entities/index.ts";
import {
  type ConsoleHarness,
  expectAccessible,
  followNav,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";

/**
 * The README's Quick start, in Chromium: with no SMTP configured, a newcomer signs up on the console's sign-in page,
 * opens the verification link from the development mail page (`/dev/mail`), lands in the console with no workspace,
 * creates one and invites the first user into it, who accepts from the same mail page. No GraphQL, no SQL.
 */
let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness("First Workspace");
});
afterAll(() => harness?.stop());

/** Opens the newest /dev/mail message to `to` whose link starts with `prefix`. */
async function followMailLink(page: Page, to: string, prefix: string): Promise<void> {
  await page.goto(`${harness.server.url}/dev/mail`);
  await page.getByRole("heading", { name: "Development mail" }).waitFor();
  const message = page
    .getByRole("listitem")
    .filter({ hasText: `To ${to}` })
    .first();
  await message.locator(`a[href^="${harness.server.url}${prefix}"]`).click();
}

describe("a newcomer's first steps, through the console and the development mail page", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: sign up, verify, create a workspace, invite the first user, who accepts`, async () => {
      const email = `newcomer-${viewport.name}-${Date.now()}@example.com`;
      const workspace = `Newcomer Labs ${viewport.name}`;
      const { page, cspErrors } = await harness.openPage(viewport);

      await page.goto(`${harness.server.url}/console`);
      await page.getByRole("link", { name: "Create account" }).click();
      await page.getByRole("heading", { name: "Create an account" }).waitFor();
      await expectAccessible(page, "sign-up form");
      await screenshot(page, `${viewport.name}-newcomer-sign-up`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel(/Display name|Name/).fill("New Comer");
      await page.getByLabel("Password").fill("a newcomer's long passphrase");
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByRole("heading", { name: "Check your email" }).waitFor();

      await followMailLink(page, email, "/verify-email?token=");
      await page.getByRole("heading", { name: "Verify your email address" }).waitFor();
      await screenshot(page, `${viewport.name}-newcomer-verify`);
      await page.getByRole("button", { name: "Verify email address" }).click();

      // Signed in, in no workspace yet: the console offers to create one.
      await page.waitForURL(`${harness.server.url}/console`);
      await page.getByRole("heading", { name: "Create workspace" }).waitFor();
      await expectAccessible(page, "console, no workspace yet");
      await screenshot(page, `${viewport.name}-newcomer-no-workspace`);
      const user = await harness.server.orm.em.fork().findOneOrFail(User, { emailNormalized: email });
      expect(user.emailVerified).toBe(true);

      await page.getByLabel(/^Workspace name/).fill(workspace);
      await page.getByRole("button", { name: "Create workspace" }).click();
      await page.getByText("No apps yet").waitFor();
      const membership = await harness.server.orm.em
        .fork()
        .findOneOrFail(Membership, { user: user.id }, { populate: ["organization"] });
      expect(membership.role).toBe("owner");
      expect(membership.organization.getEntity().name).toBe(workspace);

      // Invite the first user (who has an account already) as an admin.
      await followNav(page, "Members");
      await page.getByRole("heading", { name: "Members", level: 2 }).waitFor();
      await page.getByLabel(/^Email address/).fill(harness.user.email);
      await page.getByLabel("Role", { exact: true }).selectOption("ADMIN");
      await page.getByRole("button", { name: "Send invitation" }).click();
      await page.getByRole("table", { name: "Pending invitations" }).getByText(harness.user.email).waitFor();
      await screenshot(page, `${viewport.name}-newcomer-invited`);
      expect(cspErrors).toEqual([]);

      // The first user, signed in in another browser, accepts from the mail page and joins the workspace.
      const first = await harness.openSignedIn(viewport);
      await followMailLink(first.page, harness.user.email, "/invitations/accept");
      await first.page.getByRole("heading", { name: `Join ${workspace}` }).waitFor();
      await first.page.getByRole("button", { name: /^Accept/ }).click();
      await first.page.getByRole("heading", { name: `You joined ${workspace}` }).waitFor();
      const joined = await harness.server.orm.em
        .fork()
        .findOneOrFail(Membership, { user: harness.user.id, organization: membership.organization.id });
      expect(joined.role).toBe("admin");
      await screenshot(first.page, `${viewport.name}-newcomer-invitation-accepted`);
    });
  }
});
