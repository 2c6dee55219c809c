import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Membership } from "../../../server/db/entities/index.ts";
import {
  type ConsoleHarness,
  expectAccessible,
  followNav,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { linkIn, type SmtpCapture, startSmtpCapture } from "../../support/smtp-capture.ts";

let smtp: SmtpCapture;
let harness: ConsoleHarness;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  harness = await startConsoleHarness("Acme Members", { LATCH_SMTP_URL: smtp.url });
});
afterAll(async () => {
  await harness?.stop();
  await smtp?.close();
});

describe("the console's members and invitations", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: invite by email, accept the mailed link as a new person, see them among the members`, async () => {
      const email = `colleague-${viewport.name}-${Date.now()}@example.com`;
      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await followNav(page, "Members");
      await page.getByRole("heading", { name: "Members", level: 2 }).waitFor();
      await page.getByRole("table", { name: "Members" }).getByText(harness.user.email).waitFor();
      await page.getByText("No pending invitations").waitFor();
      await expectAccessible(page, "members, no invitations");
      await screenshot(page, `${viewport.name}-members`);

      const since = smtp.messages.length;
      await page.getByLabel(/^Email address/).fill(email);
      await page.getByLabel("Role", { exact: true }).selectOption("ADMIN");
      await page.getByRole("button", { name: "Send invitation" }).click();
      await page.getByText(`Invitation sent to ${email}`).waitFor();
      const pending = page.getByRole("table", { name: "Pending invitations" });
      await pending.getByText(email).waitFor();
      expect(await pending.getByText("Admin").count()).toBe(1);
      await expectAccessible(page, "members, one invitation");
      await screenshot(page, `${viewport.name}-members-invited`);

      // The invitee opens the mailed link in a browser of their own, with no account yet.
      const mail = await smtp.waitFor(email, { since });
      const link = linkIn(mail, `${harness.server.url}/invitations/accept?token=`);
      const { page: invitee } = await harness.openPage(viewport);
      await invitee.goto(link);
      await invitee.getByRole("heading", { name: "Join Acme Members" }).waitFor();
      // The token left the address bar before the page rendered.
      expect(new URL(invitee.url()).search).toBe("");
      await expectAccessible(invitee, "accept invitation");
      await screenshot(invitee, `${viewport.name}-invitation-accept`);
      await invitee.getByLabel("Your name").fill(`Colleague ${viewport.name}`);
      await invitee.getByLabel("Password").fill("a long enough passphrase");
      await invitee.getByRole("button", { name: "Create account and join" }).click();
      await invitee.getByRole("heading", { name: "You joined Acme Members" }).waitFor();
      await expectAccessible(invitee, "invitation accepted");
      await screenshot(invitee, `${viewport.name}-invitation-joined`);

      // Back in the console: they are a member with the invited role, and nothing is pending.
      await page.reload();
      await page.getByRole("table", { name: "Members" }).getByText(email).waitFor();
      await page.getByText("No pending invitations").waitFor();
      expect(await page.getByRole("combobox", { name: `Role of ${email}` }).inputValue()).toBe("ADMIN");
      await screenshot(page, `${viewport.name}-members-joined`);
      const membership = await harness.server.orm.em
        .fork()
        .findOne(Membership, { organization: harness.organizationId, user: { emailNormalized: email } });
      expect(membership?.role).toBe("admin");
      expect(cspErrors).toEqual([]);
    });
  }
});
