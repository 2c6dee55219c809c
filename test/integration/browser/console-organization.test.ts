import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsoleHarness,
  expectAccessible,
  followNav,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { createApp, createUser, REDIRECT, signIn } from "../../support/oauth-fixtures.ts";
import { location, UserAgent } from "../../support/user-agent.ts";

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness("Acme Scopes");
});
afterAll(() => harness?.stop());

/** The consent page a real user sees for an app asking for `scope`. */
async function consentPageFor(scope: string): Promise<string> {
  const app = await createApp(harness.server.orm, harness.organizationId, { allowedScopes: ["identify", scope] });
  const { user } = await createUser(harness.server.orm);
  const agent = new UserAgent(harness.server.url);
  const url = `/oauth2/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: `identify ${scope}` })}`;
  let response = await agent.get(url);
  if (response.status === 302 && location(response).startsWith("/login")) {
    await signIn(agent, user, url);
    response = await agent.get(url);
  }
  expect(response.status).toBe(200);
  return response.text();
}

describe("the console's scopes and audit log", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: add a scope, reword it (the consent page says the new words), delete it, and find each step in the audit log`, async () => {
      const name = `invoices:${viewport.name}`;
      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await followNav(page, "Scopes");
      await page.getByRole("heading", { name: "Scopes", exact: true }).waitFor();
      await page.getByRole("heading", { name: "Built in" }).waitFor();
      expect(await page.getByText("identify", { exact: true }).count()).toBeGreaterThan(0);
      if (viewport.name === "desktop") {
        await page.getByText("No scopes of your own").waitFor();
        await expectAccessible(page, "scopes, none of our own");
        await screenshot(page, "scopes-empty");
      }

      await page.getByRole("textbox", { name: /^Name/ }).fill(name);
      await page.getByRole("textbox", { name: /^Description( \*)?$/ }).fill("Read your invoices");
      await page.getByRole("button", { name: "Add scope" }).click();
      await page.getByRole("button", { name: `Edit ${name}` }).waitFor();
      await expectAccessible(page, "scopes, one of our own");
      await screenshot(page, `${viewport.name}-scopes-added`);

      await page.getByRole("button", { name: `Edit ${name}` }).click();
      await page.getByLabel(`Description of ${name}`).fill("See the invoices of your account");
      await page.getByRole("button", { name: `Save ${name}` }).click();
      await page.getByText("See the invoices of your account").waitFor();
      expect(await consentPageFor(name)).toContain("See the invoices of your account");

      // An app allows it now: the API refuses to delete it, and the screen says why.
      await page.getByRole("button", { name: `Delete ${name}` }).click();
      await page.getByRole("alert").filter({ hasText: "still allowed by 1 application" }).waitFor();

      const unused = `drafts:${viewport.name}`;
      await page.getByRole("textbox", { name: /^Name/ }).fill(unused);
      await page.getByRole("textbox", { name: /^Description( \*)?$/ }).fill("Keep drafts");
      await page.getByRole("button", { name: "Add scope" }).click();
      await page.getByRole("button", { name: `Delete ${unused}` }).click();
      await page.getByRole("button", { name: `Edit ${unused}` }).waitFor({ state: "detached" });
      expect(await page.getByRole("button", { name: `Edit ${name}` }).count()).toBe(1);

      // A built-in name is refused by the API, and the screen says why.
      await page.getByRole("textbox", { name: /^Name/ }).fill("email");
      await page.getByRole("textbox", { name: /^Description( \*)?$/ }).fill("Shadow the built-in");
      await page.getByRole("button", { name: "Add scope" }).click();
      await page.getByRole("alert").first().waitFor();

      await followNav(page, "Audit log");
      await page.getByRole("heading", { name: "Audit log" }).waitFor();
      await page.getByLabel("Type").fill("scope.updated");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.getByText(/^\d+ events?$/).waitFor();
      const rows = page.locator("tbody tr");
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      // The unfiltered page's count line matches too: wait for the filtered answer to replace its rows.
      const types = () => page.locator("tbody tr td:nth-child(2)").allTextContents();
      await expect.poll(async () => new Set(await types())).toEqual(new Set(["scope.updated"]));
      expect(await page.locator("tbody").textContent()).toContain(name);
      await expectAccessible(page, "audit log, filtered");
      await screenshot(page, `${viewport.name}-audit-log`);

      await page.getByLabel("Type").fill("no.such_type");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.getByText("No events").waitFor();
      expect(cspErrors).toEqual([]);
    });
  }
});
