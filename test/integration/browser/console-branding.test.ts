import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsoleHarness,
  expectAccessible,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { authorizeUrl, signedInAgent } from "../../support/oauth-client.ts";
import { createApp, createUser } from "../../support/oauth-fixtures.ts";
import type { UserAgent } from "../../support/user-agent.ts";

let harness: ConsoleHarness;
let member: UserAgent;

beforeAll(async () => {
  harness = await startConsoleHarness("Acme Branding");
  member = await signedInAgent(harness.server, harness.user);
});

afterAll(async () => {
  await harness?.stop();
});

/** The app's real login page as its users reach it (its authorization request, redirected to /login). */
async function realLoginPage(clientId: string): Promise<string> {
  const response = await fetch(`${harness.server.url}${authorizeUrl({ clientId })}`);
  expect(new URL(response.url).pathname).toBe("/login");
  return response.text();
}

describe("the branding preview route", () => {
  it("renders the real pages with unsaved values for a member only: no-store, framed by Latch alone, no script, inert forms", async () => {
    const app = await createApp(harness.server.orm, harness.organizationId, { name: "Preview Route App" });
    const query = new URLSearchParams({ client_id: app.clientId, primary_color: "#0F766E" });
    const login = await member.get(`/console-preview/login?${query}`);
    expect(login.status).toBe(200);
    expect(login.headers.get("cache-control")).toBe("no-store");
    expect(login.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    const csp = login.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("form-action 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    const html = await login.text();
    expect(html).toContain("Sign in to continue to Preview Route App");
    expect(html).toContain("--primary:#0f766e");
    expect(html).not.toMatch(/<script/);

    // The page code validates what the preview passes, as it does for saved values.
    const hostile = new URLSearchParams({
      client_id: app.clientId,
      primary_color: "red;}body{display:none",
      logo_url: "javascript:alert(1)",
    });
    const refused = await (await member.get(`/console-preview/consent?${hostile}`)).text();
    expect(refused).toContain("Preview Route App wants to access your account");
    expect(refused).not.toContain("display:none");
    expect(refused).not.toContain("javascript:");

    const anonymous = await fetch(`${harness.server.url}/console-preview/login?${query}`);
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get("cache-control")).toBe("no-store");
    const other = await createUser(harness.server.orm, { orgName: "Someone Else" });
    const theirs = await createApp(harness.server.orm, other.organizationId);
    const foreign = await member.get(`/console-preview/login?client_id=${encodeURIComponent(theirs.clientId)}`);
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain(theirs.clientId);
    expect((await member.get(`/console-preview/elsewhere?${query}`)).status).toBe(404);
    // The stored branding did not change.
    expect(await realLoginPage(app.clientId)).not.toContain("#0f766e");
  });
});

describe("the console's branding with a live preview", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: the real login and consent pages follow unsaved colors, and saving brands the real page`, async () => {
      const name = `Branded ${viewport.name} ${Date.now()}`;
      const app = await createApp(harness.server.orm, harness.organizationId, { name });
      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await page.getByRole("link", { name }).click();
      await page.getByRole("tab", { name: "Branding" }).click();
      const frame = page.frameLocator('iframe[title="Preview of the login page"]');
      await frame.getByRole("heading", { name: `Sign in to continue to ${name}` }).waitFor();

      await page.getByLabel("Primary color").fill("#0f766e");
      await page.getByLabel("Accent color").fill("#b45309");
      await page.getByLabel("Homepage URL").fill("https://branded.example");
      const signIn = frame.getByRole("button", { name: "Sign In" });
      await expect
        .poll(() => signIn.evaluate((button) => getComputedStyle(button).backgroundColor), { timeout: 10_000 })
        .toBe("rgb(15, 118, 110)");
      await frame.getByRole("link", { name: "Website" }).waitFor();
      expect(await realLoginPage(app.clientId)).not.toContain("#0f766e");
      await expectAccessible(page, "branding");
      await screenshot(page, `${viewport.name}-app-branding-login`);

      await page.getByText("Consent", { exact: true }).click();
      const consent = page.frameLocator('iframe[title="Preview of the consent page"]');
      await consent.getByRole("heading", { name: `${name} wants to access your account` }).waitFor();
      const authorize = consent.getByRole("button", { name: "Authorize" });
      await expect
        .poll(() => authorize.evaluate((button) => getComputedStyle(button).backgroundColor), { timeout: 10_000 })
        .toBe("rgb(15, 118, 110)");
      await consent.getByText(harness.user.email).waitFor();
      await screenshot(page, `${viewport.name}-app-branding-consent`);

      await page.getByRole("button", { name: "Save branding" }).click();
      await page.getByText("Branding saved").waitFor();
      const real = await realLoginPage(app.clientId);
      expect(real).toContain("--primary:#0f766e");
      expect(real).toContain("https://branded.example");
      expect(cspErrors).toEqual([]);
    });
  }

  it("says the API's refusal of a color it will not store", async () => {
    const name = `Bad color ${Date.now()}`;
    await createApp(harness.server.orm, harness.organizationId, { name });
    const { page } = await harness.openSignedIn(VIEWPORTS[1]);
    await page.getByRole("link", { name }).click();
    await page.getByRole("tab", { name: "Branding" }).click();
    await page.getByLabel("Primary color").fill("teal");
    await page.getByRole("button", { name: "Save branding" }).click();
    await page.getByText("primaryColor must be a hex color like #1a2b3c").waitFor();
  });
});
