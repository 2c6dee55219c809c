import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsoleHarness,
  expectAccessible,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { postForm } from "../../support/oauth-client.ts";
import { createApp } from "../../support/oauth-fixtures.ts";

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness("Acme Usage");
});

afterAll(async () => {
  await harness?.stop();
});

const today = () => new Date().toISOString().slice(0, 10);

describe("the console's usage chart", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: tokens and errors from the real token endpoint show as today's bar and row`, async () => {
      const name = `Usage ${viewport.name} ${Date.now()}`;
      const app = await createApp(harness.server.orm, harness.organizationId, { name });
      const grant = (secret: string) =>
        postForm(harness.server, "/oauth2/token", {
          grant_type: "client_credentials",
          client_id: app.clientId,
          client_secret: secret,
        });
      for (let n = 0; n < 3; n++) expect((await grant(app.clientSecret!)).status).toBe(200);
      const refused = await postForm(harness.server, "/oauth2/token", {
        grant_type: "authorization_code",
        code: "not-a-code",
        redirect_uri: "http://127.0.0.1:8787/callback",
        client_id: app.clientId,
        client_secret: app.clientSecret!,
      });
      expect(refused.body.error).toBe("invalid_grant");
      // The counts reach the database on the counter's next flush (within a second): write them now, so the page
      // cannot load before them.
      await harness.server.runtime.usage.flush();

      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await page.getByRole("link", { name }).click();
      await page.getByRole("tab", { name: "Usage" }).click();
      const chart = page.getByRole("img", { name: /^Tokens issued: 3 tokens from / });
      await chart.waitFor();
      const bars = chart.locator("rect");
      expect(await bars.count()).toBe(30);
      expect(await bars.last().getAttribute("data-day")).toBe(today());
      expect(await bars.last().getAttribute("data-value")).toBe("3");
      expect(Number(await bars.last().getAttribute("height"))).toBeGreaterThan(90);
      expect(await bars.first().getAttribute("height")).toBe("0");

      const table = page.getByRole("table", { name: "Usage per day" });
      const todayRow = table.getByRole("row", { name: new RegExp(`^${today()}`) });
      expect(
        await todayRow.getByRole("cell").allTextContents(),
        "tokens, authorizations, denials, refreshes, errors, active users",
      ).toEqual(["3", "0", "0", "0", "1", "0"]);
      expect(await table.getByRole("row").count()).toBe(31);
      expect(await table.getByRole("row").nth(2).getByRole("cell").allTextContents()).toEqual([
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
      ]);
      await expectAccessible(page, "usage");
      await screenshot(page, `${viewport.name}-app-usage`);

      await page.getByLabel("The chart shows").selectOption("errors");
      await page.getByRole("img", { name: /^Token errors: 1 errors from / }).waitFor();
      await page.getByText("7 days", { exact: true }).click();
      const week = page.getByRole("img", { name: /^Token errors: 1 errors from / });
      await week.waitFor();
      await page.waitForFunction(() => document.querySelectorAll("svg[role=img] rect").length === 7);
      expect(await table.getByRole("row").count()).toBe(8);
      await expectAccessible(page, "usage, errors, 7 days");
      await screenshot(page, `${viewport.name}-app-usage-errors-week`);
      expect(cspErrors).toEqual([]);
    });
  }
});
