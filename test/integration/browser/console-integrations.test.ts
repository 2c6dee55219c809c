import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IntegrationCredential } from "../../../server/db/entities/index.ts";
import {
  type ConsoleHarness,
  expectAccessible,
  followNav,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";

const SVC = { clientId: "svc", clientSecret: "svc-secret-0123456789abcdef" };
const WEB = { clientId: "web", clientSecret: "web-secret-0123456789wxyz" };
const ROBOT = { username: "robot", password: "hunter22-correct-horse" };

let harness: ConsoleHarness;
let upstream: UpstreamProvider;

beforeAll(async () => {
  harness = await startConsoleHarness("Acme Integrations");
  upstream = await startUpstreamProvider({
    clients: [
      { ...SVC, grantTypes: ["client_credentials", "password"] },
      { ...WEB, redirectUris: [`${harness.server.url}/oauth/callback`] },
    ],
    passwordUsers: { [ROBOT.username]: ROBOT.password },
  });
});

afterAll(async () => {
  await upstream?.close();
  await harness?.stop();
});

const storedSecretLast4 = async (domain: string) =>
  (
    await harness.server.orm.em
      .fork()
      .findOneOrFail(IntegrationCredential, { organization: harness.organizationId, domain })
  ).clientSecretLast4;

async function openCredentials(viewport: (typeof VIEWPORTS)[number]) {
  const opened = await harness.openSignedIn(viewport);
  await followNav(opened.page, "OAuth credentials");
  await opened.page.getByRole("heading", { name: "OAuth credentials" }).waitFor();
  await opened.page.getByText("Redirect URI", { exact: true }).waitFor();
  return opened;
}

const row = (page: Page, domain: string) => page.getByRole("row").filter({ hasText: domain });

describe("the console's OAuth credentials (seed 004)", () => {
  it("at 1280 px: add client credentials, test them, switch to the password grant keeping the secret, break it, delete it", async () => {
    const domain = "svc.example.com";
    const { page, cspErrors } = await openCredentials(VIEWPORTS[0]);
    await page.getByText("No OAuth credentials yet").waitFor();
    // The single redirect URI to register upstream, copyable before any integration exists.
    expect(await page.locator("code").first().textContent()).toBe(`${harness.server.url}/oauth/callback`);
    await page.getByRole("button", { name: "Copy redirect URI" }).waitFor();
    await expectAccessible(page, "OAuth credentials, empty");
    await screenshot(page, "integrations-empty");

    await page.getByRole("button", { name: "Add credentials" }).click();
    await page.getByLabel("Domain").fill(domain);
    await page.getByRole("textbox", { name: "Client id" }).fill(SVC.clientId);
    await page.getByLabel("Client secret").fill(SVC.clientSecret);
    await page.getByRole("radio", { name: "Client credentials" }).check();
    // Client credentials need no authorize URL: the field goes away.
    expect(await page.getByLabel("Authorize URL").count()).toBe(0);
    await page.getByLabel("Token URL").fill(upstream.endpoints.token);
    await page.getByLabel("Scopes").fill("files.read  repo");
    await expectAccessible(page, "OAuth credentials form");
    await screenshot(page, "desktop-integration-form");
    await page.getByRole("button", { name: "Add credentials" }).click();
    await page.getByText("Credentials added").waitFor();
    await row(page, domain).getByText("•••• cdef").waitFor();
    expect(await row(page, domain).getByText("files.read repo").count()).toBe(1);
    expect(await page.getByText(SVC.clientSecret).count()).toBe(0);

    const before = upstream.tokenRequests.get("client_credentials") ?? 0;
    await page.getByRole("button", { name: `Test ${domain}` }).click();
    await page.getByText(`${domain} issued a token`).waitFor();
    expect(await page.getByText(/bearer token valid for \d+ seconds with the scopes files\.read/).count()).toBe(1);
    expect(upstream.tokenRequests.get("client_credentials")).toBe(before + 1);
    await expectAccessible(page, "OAuth credentials, tested");
    await screenshot(page, "desktop-integration-tested");

    // Edit: the secret field is blank and says what is stored; leaving it blank keeps it.
    await page.getByRole("button", { name: `Edit ${domain}` }).click();
    const secret = page.getByLabel("Client secret");
    expect(await secret.inputValue()).toBe("");
    await page.getByText("Stored: •••• cdef. Leave blank to keep it").waitFor();
    await page.getByRole("radio", { name: "Resource owner password" }).check();
    await page.getByLabel("Username").fill(ROBOT.username);
    await page.getByLabel(/^Password/).fill(ROBOT.password);
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Changes saved").waitFor();
    await row(page, domain).getByText(`as ${ROBOT.username}`).waitFor();
    expect(await storedSecretLast4(domain)).toBe("cdef");
    const passwordBefore = upstream.tokenRequests.get("password") ?? 0;
    await page.getByRole("button", { name: `Test ${domain}` }).click();
    await page.getByText(`${domain} issued a token`).waitFor();
    expect(upstream.tokenRequests.get("password")).toBe(passwordBefore + 1);

    // A wrong secret: the test says the upstream's refusal in plain words, with its error code.
    await page.getByRole("button", { name: `Edit ${domain}` }).click();
    await page.getByText("A password is stored. Leave blank to keep it.").waitFor();
    await page.getByLabel("Client secret").fill("not-the-right-secret");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Changes saved").waitFor();
    await row(page, domain).getByText("•••• cret").waitFor();
    await page.getByRole("button", { name: `Test ${domain}` }).click();
    await page.getByText(`${domain} did not issue a token`).waitFor();
    await page.getByText(/does not accept this client id and secret\. The upstream said: .*invalid_client/).waitFor();
    await expectAccessible(page, "OAuth credentials, refused");
    await screenshot(page, "desktop-integration-refused");

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: `Delete ${domain}` }).click();
    await page.getByText(`${domain} deleted`).waitFor();
    await page.getByText("No OAuth credentials yet").waitFor();
    expect(cspErrors).toEqual([]);
  });

  it("at 375 px: add an authorization code integration, see a refused duplicate on its field, and test it", async () => {
    const domain = "web.example.com";
    const { page, cspErrors } = await openCredentials(VIEWPORTS[1]);
    const fill = async () => {
      await page.getByRole("button", { name: "Add credentials" }).click();
      await page.getByLabel("Domain").fill(domain.toUpperCase());
      await page.getByRole("textbox", { name: "Client id" }).fill(WEB.clientId);
      await page.getByLabel("Client secret").fill(WEB.clientSecret);
      expect(await page.getByRole("radio", { name: "Authorization code" }).isChecked()).toBe(true);
      await page.getByLabel("Authorize URL").fill(upstream.endpoints.authorization);
      await page.getByLabel("Token URL").fill(upstream.endpoints.token);
      await page.getByLabel("Revocation URL").fill(upstream.endpoints.revocation);
      await page.getByLabel("Scopes").fill("repo read:user");
      await page.getByRole("button", { name: "Add credentials" }).click();
    };
    await fill();
    await page.getByText("Credentials added").waitFor();
    await row(page, domain).getByText("•••• wxyz").waitFor();
    await expectAccessible(page, "OAuth credentials list, phone");
    await screenshot(page, "phone-integrations");

    await page.getByRole("button", { name: `Test ${domain}` }).click();
    await page.getByText(`${domain} accepted the client id and secret`).waitFor();
    await screenshot(page, "phone-integration-tested");

    // The same domain again: the API's conflict shows on the Domain field, and nothing is added.
    await fill();
    const domainField = page.getByLabel("Domain");
    await expect.poll(() => domainField.getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByRole("row").filter({ hasText: domain }).count()).toBe(1);
    await expectAccessible(page, "OAuth credentials, conflict");
    await screenshot(page, "phone-integration-conflict");
    expect(cspErrors).toEqual([]);
  });
});
