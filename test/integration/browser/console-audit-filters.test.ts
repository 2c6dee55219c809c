import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../../server/services/create-api-key.ts";
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
  harness = await startConsoleHarness("Acme Audit Filters");
  const mint = (name: string, actor: { type: "user" | "system"; id?: string }) =>
    createApiKey(
      harness.server.orm.em.fork(),
      { organizationId: harness.organizationId, name, scopes: ["apps:read"], actor },
      new Date(),
    );
  // One key minted by the member (as the console would), one by the system (the CLI).
  await mint("Minted by the member", { type: "user", id: harness.user.id });
  await mint("Minted by the CLI", { type: "system" });
});

afterAll(async () => {
  await harness?.stop();
});

describe("the audit log's filters", () => {
  for (const viewport of VIEWPORTS) {
    it(`filters by who acted, type and a time window, names the member, and clears (${viewport.name})`, async () => {
      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await followNav(page, "Audit log");
      await page.getByRole("heading", { name: "Audit log" }).waitFor();
      const rows = page.locator("tbody tr");
      await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
      const byColumn = () => page.locator("tbody tr td:nth-child(3)").allTextContents();

      // Who acted: the member by name and email, from the workspace's members.
      await page
        .locator("input")
        .and(page.getByLabel("By", { exact: true }))
        .click();
      await page.getByRole("option", { name: new RegExp(harness.user.email) }).click();
      await page.getByLabel("Type").fill("api_key.created");
      await page.keyboard.press("Escape");
      await page.getByRole("button", { name: "Filter", exact: true }).press("Enter");
      await expect.poll(() => rows.count()).toBe(1);
      expect((await byColumn())[0]).toContain(harness.user.email);
      expect(await page.locator("tbody").textContent()).toContain("Minted by the member");
      await expectAccessible(page, `audit log by member ${viewport.name}`);
      await screenshot(page, `${viewport.name}-audit-log-filters`);

      // A window that ended before anything happened holds nothing.
      await page.getByLabel("Until").fill("2020-01-01T00:00");
      await page.getByRole("button", { name: "Filter", exact: true }).click();
      await page.getByText("No events").waitFor();

      // Clear brings back every event, the system's too.
      await page.getByRole("button", { name: "Clear" }).click();
      await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator("tbody").textContent()).toContain("Minted by the CLI");
      expect(await page.getByLabel("Until").inputValue()).toBe("");
      expect(cspErrors).toEqual([]);
    });
  }
});
