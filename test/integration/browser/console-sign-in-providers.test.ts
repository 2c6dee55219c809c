import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openString } from "../../../server/crypto/envelope.ts";
import { parseMasterKeys } from "../../../server/crypto/master-key.ts";
import { IdentityProvider } from "../../../server/db/entities/index.ts";
import {
  type ConsoleHarness,
  expectAccessible,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { authorizeUrl } from "../../support/oauth-client.ts";
import { createApp } from "../../support/oauth-fixtures.ts";

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness("Acme Providers");
});

afterAll(async () => {
  await harness?.stop();
});

/** The app's login page as its users reach it: its authorization request, redirected to /login. */
async function loginPageOf(clientId: string): Promise<string> {
  const response = await fetch(`${harness.server.url}${authorizeUrl({ clientId })}`);
  expect(new URL(response.url).pathname).toBe("/login");
  return response.text();
}

const storedSecret = async (applicationId: string) => {
  const row = await harness.server.orm.em.fork().findOneOrFail(IdentityProvider, { application: applicationId });
  return openString(
    parseMasterKeys(harness.server.env.LATCH_MASTER_KEY!),
    row.clientSecretEncrypted,
    `identity_provider:${row.id}`,
  );
};

const row = (page: Page, name: string) => page.getByRole("row").filter({ hasText: name });

async function openProviders(page: Page, appName: string) {
  await page.getByRole("link", { name: appName }).click();
  await page.getByRole("tab", { name: "Sign-in providers" }).click();
}

describe("the console's sign-in providers", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: add GitHub (secret as •••• last4), edit it keeping the secret, turn it off, remove it`, async () => {
      const name = `Providers ${viewport.name} ${Date.now()}`;
      const app = await createApp(harness.server.orm, harness.organizationId, { name });
      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await openProviders(page, name);
      await page.getByText("No sign-in providers yet").waitFor();
      await expectAccessible(page, "sign-in providers, empty");
      await screenshot(page, `${viewport.name}-providers-empty`);

      await page.getByRole("button", { name: "Add provider" }).click();
      await page.getByLabel("Provider", { exact: true }).selectOption("GITHUB");
      await page.getByLabel("Button label").fill("Acme GitHub");
      await page.getByLabel("Client id").fill("gh-client-1");
      await page.getByRole("textbox", { name: "Client secret" }).fill("gh-secret-value-9f3a");
      await expectAccessible(page, "add a sign-in provider");
      await screenshot(page, `${viewport.name}-providers-add`);
      await page.getByRole("button", { name: "Add provider" }).click();
      await row(page, "Acme GitHub").getByText("•••• 9f3a").waitFor();
      expect(await row(page, "Acme GitHub").getByText("gh-secret-value").count()).toBe(0);
      expect(await loginPageOf(app.clientId)).toContain("Continue with Acme GitHub");
      await expectAccessible(page, "sign-in providers, one");
      await screenshot(page, `${viewport.name}-providers-list`);

      // Editing with the secret left blank keeps the stored one.
      await page.getByRole("button", { name: "Edit Acme GitHub" }).click();
      await page.getByText("Stored: •••• 9f3a. Leave blank to keep it").waitFor();
      expect(await page.getByRole("textbox", { name: "Client secret" }).inputValue()).toBe("");
      await page.getByLabel("Client id").fill("gh-client-2");
      await page.getByLabel("Offer it on the login page").uncheck();
      await page.getByRole("button", { name: "Save changes" }).click();
      await row(page, "Acme GitHub").getByText("Off").waitFor();
      await row(page, "Acme GitHub").getByText("gh-client-2").waitFor();
      expect(await storedSecret(app.id)).toBe("gh-secret-value-9f3a");
      expect(await loginPageOf(app.clientId)).not.toContain("Continue with");

      // A typed secret replaces it.
      await page.getByRole("button", { name: "Edit Acme GitHub" }).click();
      await page.getByRole("textbox", { name: "Client secret" }).fill("gh-secret-rotated-77aa");
      await page.getByLabel("Offer it on the login page").check();
      await page.getByRole("button", { name: "Save changes" }).click();
      await row(page, "Acme GitHub").getByText("•••• 77aa").waitFor();
      expect(await storedSecret(app.id)).toBe("gh-secret-rotated-77aa");
      expect(await loginPageOf(app.clientId)).toContain("Continue with Acme GitHub");

      await page.getByRole("button", { name: "Remove Acme GitHub" }).click();
      await page.getByText("No sign-in providers yet").waitFor();
      expect(await loginPageOf(app.clientId)).not.toContain("Continue with");
      expect(cspErrors).toEqual([]);
    });
  }

  it("asks an OpenID Connect provider for its issuer on the field, then offers it", async () => {
    const name = `OIDC provider ${Date.now()}`;
    const app = await createApp(harness.server.orm, harness.organizationId, { name });
    const { page } = await harness.openSignedIn(VIEWPORTS[1]);
    await openProviders(page, name);
    await page.getByRole("button", { name: "Add provider" }).click();
    await page.getByLabel("Provider", { exact: true }).selectOption("OIDC");
    await page.getByLabel("Button label").fill("Okta");
    await page.getByLabel("Client id").fill("okta-client");
    await page.getByRole("textbox", { name: "Client secret" }).fill("okta-secret-0042");
    // The browser's own required check would stop the form; the API's answer is what this test reads.
    await page.getByLabel("Issuer").evaluate((input) => input.removeAttribute("required"));
    await page.getByRole("button", { name: "Add provider" }).click();
    await page.getByText("an oidc provider needs an https issuer").waitFor();
    await expectAccessible(page, "sign-in provider refused");
    await screenshot(page, "phone-providers-refused");
    await page.getByLabel("Issuer").fill("https://acme.okta.example");
    await page.getByRole("button", { name: "Add provider" }).click();
    await row(page, "Okta").getByText("https://acme.okta.example").waitFor();
    expect(await loginPageOf(app.clientId)).toContain("Continue with Okta");
  });
});
