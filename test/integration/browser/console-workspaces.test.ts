import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Application, Membership, Organization } from "../../../server/db/entities/index.ts";
import {
  type ConsoleHarness,
  expectAccessible,
  followNav,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness("Acme Home");
});
afterAll(() => harness?.stop());

describe("the console's workspaces", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: create a workspace, land in it empty, create an app there, switch back, rename and delete it`, async () => {
      const name = `Side Project ${viewport.name}`;
      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await page.getByRole("heading", { name: "OAuth apps" }).waitFor();

      await followNav(page, "Create workspace");
      await page.getByRole("heading", { name: "Create workspace" }).waitFor();
      await expectAccessible(page, "create workspace");
      await screenshot(page, `${viewport.name}-workspace-create`);
      await page.getByRole("button", { name: "Create workspace" }).click();
      // An empty name is refused in the form before any request.
      await page.getByLabel(/^Workspace name/).fill(name);
      await page.getByRole("button", { name: "Create workspace" }).click();

      // The console switches to the new workspace: empty, and named in the header's switcher.
      await page.getByText("No apps yet").waitFor();
      const switcher = page.getByRole("combobox", { name: "Workspace" });
      expect(await switcher.inputValue()).toBe(name);
      await expectAccessible(page, "new workspace, empty");
      await screenshot(page, `${viewport.name}-workspace-empty`);
      const organization = await harness.server.orm.em.fork().findOneOrFail(Organization, { name });
      const membership = await harness.server.orm.em
        .fork()
        .findOneOrFail(Membership, { organization: organization.id, user: harness.user.id });
      expect(membership.role).toBe("owner");

      // An app created now belongs to the new workspace.
      await page.getByRole("button", { name: "Create your first app" }).click();
      await page.getByRole("heading", { name: "Create app" }).waitFor();
      await page.getByLabel("Name").fill(`App of ${name}`);
      await page.getByLabel("Redirect URIs").fill("https://side.example.com/callback");
      await page.getByRole("button", { name: "Create app" }).click();
      await page.getByText("Copy the client secret now").waitFor();
      await page.getByRole("checkbox", { name: "I have stored the client secret" }).check();
      await page.getByRole("button", { name: "Done" }).click();
      await page.getByRole("heading", { name: `App of ${name}` }).waitFor();
      const apps = await harness.server.orm.em.fork().find(Application, { organization: organization.id });
      expect(apps).toHaveLength(1);

      // Switch back: the first workspace does not list the other's app.
      await switcher.click();
      await page.getByRole("option", { name: "Acme Home" }).click();
      // The first workspace has no apps of its own: the other's app is not listed.
      await page.getByText("No apps yet").waitFor();
      expect(await page.getByRole("combobox", { name: "Workspace" }).inputValue()).toBe("Acme Home");
      expect(await page.getByText(`App of ${name}`).count()).toBe(0);
      await screenshot(page, `${viewport.name}-workspace-switched-back`);

      // Back in the new one: rename it, then delete it after typing its name.
      await page.getByRole("combobox", { name: "Workspace" }).click();
      await page.getByRole("option", { name }).click();
      await page.getByText(`App of ${name}`).waitFor();
      await followNav(page, "Workspace settings");
      await page.getByRole("heading", { name: "Workspace settings" }).waitFor();
      const renamed = `${name} renamed`;
      await page.getByRole("textbox", { name: /^Workspace name/ }).fill(renamed);
      await page.getByRole("button", { name: "Save name" }).click();
      await page.getByText("Workspace renamed").waitFor();
      await expectAccessible(page, "workspace settings");
      await screenshot(page, `${viewport.name}-workspace-settings`);
      const remove = page.getByRole("button", { name: "Delete workspace" });
      await page.getByLabel(`Type ${renamed} to confirm`).fill("wrong");
      expect(await remove.isDisabled()).toBe(true);
      await page.getByLabel(`Type ${renamed} to confirm`).fill(renamed);
      await remove.click();
      // Gone: the console is back in the first workspace, which the deleted one's app never belonged to.
      await page.getByText("No apps yet").waitFor();
      expect(await page.getByRole("combobox", { name: "Workspace" }).count()).toBe(0);
      expect(await harness.server.orm.em.fork().count(Organization, { id: organization.id })).toBe(0);
      expect(cspErrors).toEqual([]);
    });
  }
});
