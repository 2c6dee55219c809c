import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONSOLE_OUTPUT,
  type ConsoleHarness,
  expectAccessible,
  startConsoleHarness,
  VIEWPORTS,
  type Viewport,
} from "../../support/console-browser.ts";
import { authorizeUrl, introspect, postForm, token } from "../../support/oauth-client.ts";
import { authorizeInBrowser, createApp, createUser, REDIRECT } from "../../support/oauth-fixtures.ts";
import type { TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

const OUTPUT = CONSOLE_OUTPUT;

let harness: ConsoleHarness;
let server: TestServer;
let organizationId: string;

beforeAll(async () => {
  harness = await startConsoleHarness();
  ({ server, organizationId } = harness);
});

afterAll(async () => {
  await harness?.stop();
});

const openPage = (viewport: Viewport) => harness.openPage(viewport);
const openSignedIn = (viewport: Viewport) => harness.openSignedIn(viewport);
const signInThroughLatch = (page: Page) => harness.signInThroughLatch(page);

function clientCredentials(clientId: string, secret: string) {
  return postForm(server, "/oauth2/token", {
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: secret,
  });
}

describe("the console", () => {
  it("serves index.html with no-store and a nonce'd CSP without inline script, and assets for a year", async () => {
    const response = await fetch(`${server.url}/console/apps`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\//);
    expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
    const html = await response.text();
    expect(html).not.toContain("__LATCH_CSP_NONCE__");
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const script = await fetch(`${server.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await fetch(`${server.url}/console/assets/..%2Fsecret.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/console/assets/missing-abc.js`)).status).toBe(404);
  });

  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: sign in, create an app, copy its secret once, use it, rotate with overlap, replace now`, async () => {
      const { page, cspErrors } = await openPage(viewport);
      const shot = (name: string) =>
        page.screenshot({ path: path.join(OUTPUT, `${viewport.name}-${name}.png`), fullPage: true });
      await signInThroughLatch(page);
      await expectAccessible(page, "apps");
      await shot("apps");

      await page
        .getByRole("button", { name: /Create (your first )?app/ })
        .first()
        .click();
      await page.getByRole("heading", { name: "Create app" }).waitFor();
      await expectAccessible(page, "create app");
      const name = `Console App ${viewport.name}`;
      await page.getByLabel("Name").fill(name);
      await page.getByLabel("Redirect URIs").fill("https://app.example.com/callback");
      await page.getByRole("checkbox", { name: /Client credentials/ }).check();
      await shot("create-app");
      await page.getByRole("button", { name: "Create app" }).click();

      await page.getByText("Copy the client secret now").waitFor();
      const secret =
        (await page
          .locator("code")
          .filter({ hasText: /^latch_cs_/ })
          .textContent()) ?? "";
      const clientId = (await page.locator("code").first().textContent()) ?? "";
      expect(secret).toMatch(/^latch_cs_/);
      const done = page.getByRole("button", { name: "Done" });
      expect(await done.isDisabled()).toBe(true);
      await expectAccessible(page, "secret shown once");
      await shot("secret-once");
      // The secret works in a real token request.
      expect((await clientCredentials(clientId, secret)).status).toBe(200);

      await page.getByRole("checkbox", { name: "I have stored the client secret" }).check();
      await done.click();
      await page.getByRole("heading", { name }).waitFor();
      await expectAccessible(page, "app detail");
      await shot("app-overview");

      await page.getByRole("tab", { name: "Client secrets" }).click();
      await page.getByRole("button", { name: "Rotate with overlap" }).click();
      await page.getByText("Copy the client secret now").waitFor();
      const rotated =
        (await page
          .locator("code")
          .filter({ hasText: /^latch_cs_/ })
          .textContent()) ?? "";
      expect(rotated).not.toBe(secret);
      // Rotation with an overlap: both secrets work.
      expect((await clientCredentials(clientId, secret)).status).toBe(200);
      expect((await clientCredentials(clientId, rotated)).status).toBe(200);
      await page.getByRole("checkbox", { name: "I have stored the client secret" }).check();
      await page.getByRole("button", { name: "Done" }).click();
      await page.getByRole("button", { name: "Compromised: replace now" }).waitFor();
      await expectAccessible(page, "client secrets");
      await shot("client-secrets");

      await page.getByRole("button", { name: "Compromised: replace now" }).click();
      await page.getByText("Copy the client secret now").waitFor();
      const replacement =
        (await page
          .locator("code")
          .filter({ hasText: /^latch_cs_/ })
          .textContent()) ?? "";
      // Compromise: every earlier secret stops at once, the replacement works.
      expect((await clientCredentials(clientId, secret)).status).toBe(401);
      expect((await clientCredentials(clientId, rotated)).status).toBe(401);
      expect((await clientCredentials(clientId, replacement)).status).toBe(200);

      await page.getByRole("checkbox", { name: "I have stored the client secret" }).check();
      await page.getByRole("button", { name: "Done" }).click();
      await page.getByRole("tab", { name: "Redirect URIs" }).click();
      await page.getByLabel("Add a redirect URI").fill("http://localhost:8787/callback");
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await page.getByText("http://localhost:8787/callback").first().waitFor();
      await expectAccessible(page, "redirect URIs");
      await shot("redirect-uris");

      await page.goto(`${server.url}/console/apps`);
      await page.getByRole("link", { name }).waitFor();
      await page.getByLabel("Search").fill("no such app");
      expect(await page.getByRole("link", { name }).count()).toBe(0);
      expect(cspErrors).toEqual([]);
    });
  }

  it("says which field is wrong when the API refuses the app", async () => {
    const { page } = await openSignedIn(VIEWPORTS[0]);
    await page.goto(`${server.url}/console/apps/new`);
    await page.getByLabel("Name").fill("Bad redirect");
    await page.getByLabel("Redirect URIs").fill("https://app.example.com/cb#fragment");
    await page.getByRole("button", { name: "Create app" }).click();
    await page
      .getByText(/fragment/i)
      .first()
      .waitFor();
    await page.screenshot({ path: path.join(OUTPUT, "create-app-error.png"), fullPage: true });
    expect(await page.getByText("Copy the client secret now").count()).toBe(0);
  });

  it("Users: who authorized the app; revoking a grant makes its token introspect inactive", async () => {
    const name = `Granted ${Date.now()}`;
    const app = await createApp(server.orm, organizationId, { name });
    const { user: consenting } = await createUser(server.orm);
    const callback = await authorizeInBrowser(new UserAgent(server.url), consenting, authorizeUrl(app));
    const issued = await token(server, app, {
      grant_type: "authorization_code",
      code: callback.searchParams.get("code")!,
      redirect_uri: REDIRECT,
    });
    expect(issued.status).toBe(200);
    expect((await introspect(server, app, issued.body.access_token)).body.active).toBe(true);

    const { page } = await openSignedIn(VIEWPORTS[0]);
    await page.getByRole("link", { name: name }).click();
    await page.getByRole("tab", { name: "Users" }).click();
    await page.getByText(consenting.email).waitFor();
    await expectAccessible(page, "users and grants");
    await page.screenshot({ path: path.join(OUTPUT, "app-users.png"), fullPage: true });
    await page.getByRole("button", { name: `Revoke the grant of ${consenting.email}` }).click();
    await page.getByText("Nobody has authorized this app yet").waitFor();
    expect((await introspect(server, app, issued.body.access_token)).body.active).toBe(false);
  });

  it("Danger zone: disable cuts the app off, enable lets it back, delete after typing its name", async () => {
    const name = `Doomed ${Date.now()}`;
    const app = await createApp(server.orm, organizationId, { name });
    const cc = () => clientCredentials(app.clientId, app.clientSecret!);
    expect((await cc()).status).toBe(200);
    const { page } = await openSignedIn(VIEWPORTS[1]);
    await page.getByRole("link", { name: name }).click();
    await page.getByRole("tab", { name: "Danger zone" }).click();
    await expectAccessible(page, "danger zone");
    await page.screenshot({ path: path.join(OUTPUT, "phone-danger-zone.png"), fullPage: true });
    await page.getByRole("button", { name: "Disable", exact: true }).click();
    await page.getByRole("button", { name: "Enable", exact: true }).waitFor();
    expect((await cc()).status).not.toBe(200);
    await page.getByRole("button", { name: "Enable", exact: true }).click();
    await page.getByRole("button", { name: "Disable", exact: true }).waitFor();
    expect((await cc()).status).toBe(200);

    const remove = page.getByRole("button", { name: "Delete app" });
    await page.getByLabel(`Type ${name} to confirm`).fill("not the name");
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel(`Type ${name} to confirm`).fill(name);
    await remove.click();
    await page.getByRole("heading", { name: "OAuth apps" }).waitFor();
    const refused = await cc();
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe("invalid_client");
  });

  it("API keys: the key is shown once, works on /graphql, and stops when revoked", async () => {
    const { page } = await openSignedIn(VIEWPORTS[0]);
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    await page.getByLabel("Name").fill("CI deploys");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByText("Copy the API key now").waitFor();
    const key =
      (await page
        .locator("code")
        .filter({ hasText: /^latch_ak_/ })
        .textContent()) ?? "";
    expect(key).toMatch(/^latch_ak_/);
    await expectAccessible(page, "API key shown once");
    await page.screenshot({ path: path.join(OUTPUT, "api-key-once.png"), fullPage: true });
    const viewer = () =>
      fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: "{ viewer { kind scopes } }" }),
      });
    expect(await (await viewer()).json()).toEqual({ data: { viewer: { kind: "API_KEY", scopes: ["apps:read"] } } });
    await page.getByRole("checkbox", { name: "I have stored the API key" }).check();
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("button", { name: "Revoke CI deploys" }).click();
    await page.getByRole("button", { name: "Revoke CI deploys" }).waitFor({ state: "detached" });
    expect((await viewer()).status).toBe(401);
  });
});
