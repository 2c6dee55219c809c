import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteApplication } from "../../../server/services/applications/delete-application.ts";
import {
  type ConsoleHarness,
  expectAccessible,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { globalId } from "../../support/control-plane.ts";
import { postForm } from "../../support/oauth-client.ts";
import { createApp } from "../../support/oauth-fixtures.ts";

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness("Acme Settings");
});

afterAll(async () => {
  await harness?.stop();
});

describe("the console's app settings", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: token format, lifetimes, rotation and allowed scopes change what the token endpoint issues`, async () => {
      const name = `Settings ${viewport.name} ${Date.now()}`;
      const app = await createApp(harness.server.orm, harness.organizationId, { name });
      const cc = (scope?: string) =>
        postForm(harness.server, "/oauth2/token", {
          grant_type: "client_credentials",
          client_id: app.clientId,
          client_secret: app.clientSecret!,
          ...(scope && { scope }),
        });
      const before = await cc("guilds");
      expect(before.status).toBe(200);
      expect(before.body.access_token.split(".")).toHaveLength(3);

      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await page.getByRole("link", { name }).click();
      await page.getByRole("tab", { name: "Settings" }).click();
      const ttl = page.getByLabel("Access token lifetime (seconds)");
      await ttl.waitFor();
      await expectAccessible(page, "settings");
      await screenshot(page, `${viewport.name}-app-settings`);

      // Out of range (the API's stated 60..31536000): said at the field, nothing is sent.
      await ttl.fill("30");
      await page.getByText("Between 60 and 31536000").first().waitFor();
      expect(await page.getByRole("button", { name: "Save settings" }).isDisabled()).toBe(true);

      await ttl.fill("600");
      await page.getByText("Opaque", { exact: true }).click();
      await page.getByLabel("Retry interval (seconds)").fill("5");
      await page.getByRole("checkbox", { name: "guilds", exact: true }).uncheck();
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByText("New tokens use these settings").waitFor();
      await expectAccessible(page, "settings saved");
      await screenshot(page, `${viewport.name}-app-settings-saved`);

      const after = await cc();
      expect(after.status).toBe(200);
      expect(after.body.expires_in).toBe(600);
      expect(after.body.access_token.split(".")).not.toHaveLength(3);
      const refused = await cc("guilds");
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe("invalid_scope");

      // The saved values are what the API now answers, after a reload.
      await page.reload();
      await page.getByRole("tab", { name: "Settings" }).click();
      expect(await page.getByLabel("Access token lifetime (seconds)").inputValue()).toBe("600");
      expect(await page.getByLabel("Retry interval (seconds)").inputValue()).toBe("5");
      expect(await page.getByRole("checkbox", { name: "guilds", exact: true }).isChecked()).toBe(false);
      expect(cspErrors).toEqual([]);
    });
  }

  it("says the API's refusal and keeps the form as typed", async () => {
    const name = `Settings refused ${Date.now()}`;
    const app = await createApp(harness.server.orm, harness.organizationId, { name });
    const { page } = await harness.openSignedIn(VIEWPORTS[0]);
    await page.goto(`${harness.server.url}/console/apps/${encodeURIComponent(globalId("Application", app.id))}`);
    await page.getByRole("tab", { name: "Settings" }).click();
    // The app is deleted behind the console's back: saving answers the typed NotFoundError.
    await deleteApplication(
      harness.server.orm.em.fork(),
      { applicationId: app.id, organizationId: harness.organizationId, actor: { type: "system" } },
      new Date(),
    );
    await page.getByLabel("Refresh token lifetime (seconds)").fill("3600");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("alert").filter({ hasText: "Not saved" }).waitFor();
    expect(await page.getByLabel("Refresh token lifetime (seconds)").inputValue()).toBe("3600");
    await screenshot(page, "app-settings-error");
  });
});
