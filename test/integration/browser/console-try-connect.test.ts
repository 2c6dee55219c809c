import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsoleHarness,
  expectAccessible,
  followNav,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { insertIntegration } from "../../support/integration-fixtures.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";

const FILES = { clientId: "files", clientSecret: "files-secret-0123456789" };

let harness: ConsoleHarness;
let upstream: UpstreamProvider;

beforeAll(async () => {
  harness = await startConsoleHarness("Acme Connect", { LATCH_RUN_WORKER: "false" });
  upstream = await startUpstreamProvider({
    clients: [{ ...FILES, redirectUris: [`${harness.server.url}/oauth/callback`] }],
    interaction: "auto",
  });
});

afterAll(async () => {
  await upstream?.close();
  await harness?.stop();
});

async function addIntegration(domain: string, clientId = FILES.clientId) {
  return insertIntegration(harness.server, {
    organizationId: harness.organizationId,
    domain,
    grantType: "authorization_code",
    clientId,
    clientSecret: FILES.clientSecret,
    authorizeUrl: upstream.endpoints.authorization,
    tokenUrl: upstream.endpoints.token,
    scopes: ["files.read"],
  });
}

const connectionsOf = (integrationId: string) =>
  harness.server.orm.em
    .fork()
    .getConnection()
    .execute<{ status: string }[]>("select status from connections where user_id = ? and integration_id = ?", [
      harness.user.id,
      integrationId,
    ]);

describe("the console's Try Connect (seed 004)", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: runs the real connection popup and says it connected`, async () => {
      const domain = `files-${viewport.name}.example`;
      const integration = await addIntegration(domain);
      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await followNav(page, "OAuth credentials");
      await page.getByRole("heading", { name: "OAuth credentials" }).waitFor();
      await expectAccessible(page, "OAuth credentials with Try Connect");

      const [popup] = await Promise.all([
        page.waitForEvent("popup"),
        page.getByRole("button", { name: `Try Connect with ${domain}` }).click(),
      ]);
      // The popup goes through the upstream's consent (signed in at once) and back to Latch's callback, whose page
      // posts the result to the console and closes itself.
      if (!popup.isClosed()) await popup.waitForEvent("close", { timeout: 20_000 });
      await page.getByText(`Connected to ${domain}`).waitFor();
      expect(await connectionsOf(integration.id)).toEqual([{ status: "active" }]);
      await expectAccessible(page, "Try Connect connected");
      await screenshot(page, `${viewport.name}-integrations-try-connect`);
      expect(cspErrors).toEqual([]);
    });
  }

  it("says so when the popup is closed before the connection finishes", async () => {
    const domain = "unknown-client.example";
    const integration = await addIntegration(domain, "no-such-client");
    const { page } = await harness.openSignedIn(VIEWPORTS[0]);
    await followNav(page, "OAuth credentials");
    const [popup] = await Promise.all([
      page.waitForEvent("popup"),
      page.getByRole("button", { name: `Try Connect with ${domain}` }).click(),
    ]);
    await page.getByText(`Connecting to ${domain}…`).waitFor();
    // The upstream refuses the unknown client on its own page and never comes back.
    await popup.waitForURL((url) => url.href.startsWith(upstream.issuer));
    await popup.close();
    await page.getByText("The window was closed").waitFor();
    expect(await connectionsOf(integration.id)).toEqual([]);
  });
});
