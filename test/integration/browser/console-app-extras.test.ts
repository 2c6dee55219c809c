import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsoleHarness,
  expectAccessible,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { basicOf, introspect, postForm } from "../../support/oauth-client.ts";
import { createApp } from "../../support/oauth-fixtures.ts";

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness("Acme Extras");
});

afterAll(async () => {
  await harness?.stop();
});

describe("the console's client authentication settings", () => {
  it("pins an app to HTTP Basic and makes it a resource server, and the token and introspection endpoints follow", async () => {
    const name = `Auth method ${Date.now()}`;
    const app = await createApp(harness.server.orm, harness.organizationId, { name });
    const other = await createApp(harness.server.orm, harness.organizationId);
    const inBody = () =>
      postForm(harness.server, "/oauth2/token", {
        grant_type: "client_credentials",
        client_id: app.clientId,
        client_secret: app.clientSecret!,
      });
    expect((await inBody()).status).toBe(200);
    const othersToken = (
      await postForm(harness.server, "/oauth2/token", { grant_type: "client_credentials" }, { auth: basicOf(other) })
    ).body.access_token as string;
    // Not yet a resource server: another app's token reads inactive to it (RFC 7662 §4).
    expect((await introspect(harness.server, app, othersToken)).body.active).toBe(false);

    const { page, cspErrors } = await harness.openSignedIn(VIEWPORTS[0]);
    await page.getByRole("link", { name }).click();
    await page.getByRole("tab", { name: "Settings" }).click();
    const basicOnly = page.getByRole("radio", { name: "HTTP Basic only" });
    await basicOnly.waitFor();
    expect(await page.getByRole("radio", { name: "Either" }).isChecked()).toBe(true);
    expect(await page.getByRole("switch", { name: "Resource server" }).isChecked()).toBe(false);
    await basicOnly.check();
    await page.getByRole("switch", { name: "Resource server" }).check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("New tokens use these settings").waitFor();
    await expectAccessible(page, "client authentication");
    await screenshot(page, "desktop-app-client-authentication");

    const refused = await inBody();
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe("invalid_client");
    const viaBasic = await postForm(
      harness.server,
      "/oauth2/token",
      { grant_type: "client_credentials" },
      { auth: basicOf(app) },
    );
    expect(viaBasic.status).toBe(200);
    expect((await introspect(harness.server, app, othersToken)).body.active).toBe(true);

    await page.reload();
    await page.getByRole("tab", { name: "Settings" }).click();
    expect(await page.getByRole("radio", { name: "HTTP Basic only" }).isChecked()).toBe(true);
    expect(await page.getByRole("switch", { name: "Resource server" }).isChecked()).toBe(true);
    expect(cspErrors).toEqual([]);
  });

  it("offers neither to a public app, which sends its client_id alone", async () => {
    const name = `Public auth ${Date.now()}`;
    await createApp(harness.server.orm, harness.organizationId, {
      name,
      type: "public",
      grantTypes: ["authorization_code", "refresh_token"],
    });
    const { page } = await harness.openSignedIn(VIEWPORTS[1]);
    await page.getByRole("link", { name }).click();
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByLabel("Access token lifetime (seconds)").waitFor();
    expect(await page.getByRole("radio", { name: "HTTP Basic only" }).count()).toBe(0);
    expect(await page.getByRole("switch", { name: "Resource server" }).count()).toBe(0);
  });
});
