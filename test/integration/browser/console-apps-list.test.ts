import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsoleHarness,
  expectAccessible,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { token } from "../../support/oauth-client.ts";
import { createApp, type TestApp } from "../../support/oauth-fixtures.ts";

let harness: ConsoleHarness;
let busy: TestApp;

beforeAll(async () => {
  harness = await startConsoleHarness("Acme Apps List");
  busy = await createApp(harness.server.orm, harness.organizationId, { name: "Listed Busy" });
  await createApp(harness.server.orm, harness.organizationId, { name: "Listed Quiet" });
  // A real token request: the app's client secret authenticates it, and that is its last activity.
  expect((await token(harness.server, busy, { grant_type: "client_credentials" })).status).toBe(200);
});

afterAll(async () => {
  await harness?.stop();
});

describe("the apps list", () => {
  for (const viewport of VIEWPORTS) {
    it(`shows each app's last activity and searches by name or client id (${viewport.name})`, async () => {
      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await page.getByRole("columnheader", { name: "Last activity" }).waitFor();
      const busyRow = page.getByRole("row").filter({ hasText: "Listed Busy" });
      const quietRow = page.getByRole("row").filter({ hasText: "Listed Quiet" });
      const when = await busyRow.locator("time").getAttribute("datetime");
      expect(Math.abs(Date.parse(when!) - Date.now())).toBeLessThan(5 * 60_000);
      expect(await busyRow.getByRole("cell", { name: "Never used" }).count()).toBe(0);
      await quietRow.getByRole("cell", { name: "Never used" }).waitFor();
      expect(await busyRow.getByRole("cell", { name: "Confidential" }).count()).toBe(1);
      expect(await busyRow.getByRole("button", { name: /Copy client id of Listed Busy/i }).count()).toBe(1);
      await expectAccessible(page, `apps list ${viewport.name}`);
      await screenshot(page, `${viewport.name}-apps-list`);

      // Search by client id, from the keyboard.
      await page.getByLabel("Search").focus();
      await page.keyboard.type(busy.clientId.slice(0, 12));
      await quietRow.waitFor({ state: "detached" });
      expect(await busyRow.count()).toBe(1);
      await page.getByLabel("Search").fill("no such app");
      await page.getByText("No app matches “no such app”.").waitFor();
      await expectAccessible(page, `apps list no match ${viewport.name}`);
      expect(cspErrors).toEqual([]);
    });
  }
});
