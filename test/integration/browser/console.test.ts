import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "../../support/axe.ts";
import { launchBrowser } from "../../support/browser.ts";
import { authorizeUrl, introspect, postForm, token } from "../../support/oauth-client.ts";
import { authorizeInBrowser, createApp, createUser, REDIRECT, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

const OUTPUT = path.resolve(import.meta.dirname, "../../../test-output/console");
const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 375, height: 812 },
] as const;

let server: TestServer;
let browser: Browser;
let user: TestUser;
let organizationId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser(), mkdir(OUTPUT, { recursive: true })]).then(
    ([s, b]) => [s, b] as const,
  );
  ({ user, organizationId } = await createUser(server.orm, { orgName: "Acme Console" }));
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

/** A fresh browser at one viewport, collecting every CSP refusal the page reports. */
async function openPage(viewport: (typeof VIEWPORTS)[number]): Promise<{ page: Page; cspErrors: string[] }> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  const cspErrors: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspErrors.push(message.text());
  });
  return { page, cspErrors };
}

/**
 * Signs in through Latch's own login page and waits on what the page really does: the form POSTs /login, which answers
 * 303 to `return_to` (exactly /console, no trailing slash or hash), and the console then renders its first screen. A
 * refused sign-in (rate limit, expired form) fails here with the login page's own message instead of a URL timeout.
 */
async function signInThroughLatch(page: Page): Promise<void> {
  await page.goto(`${server.url}/console`);
  // Signed out: the console sends the person to Latch's own login page, and back to where they were.
  await page.getByRole("button", { name: "Sign In" }).waitFor();
  const login = new URL(page.url());
  expect(login.pathname).toBe("/login");
  expect(login.searchParams.get("return_to")).toBe("/console");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  const [answer] = await Promise.all([
    page.waitForResponse(
      (response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/login",
    ),
    page.getByRole("button", { name: "Sign In" }).click(),
  ]);
  if (answer.status() !== 303) {
    const said = await page
      .locator("#login-error")
      .allTextContents()
      .catch(() => []);
    throw new Error(`POST /login answered ${answer.status()}: ${said.join(" ") || "(no message)"}`);
  }
  expect(answer.headers().location).toBe("/console");
  await page.getByRole("heading", { name: "OAuth apps" }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/console");
}

/**
 * The login form allows five attempts per account a minute, and this file has more journeys than that: the viewport
 * journeys sign in through the page, the others reuse one signed-in session (its HttpOnly cookie) in a fresh context.
 */
let session: Promise<Awaited<ReturnType<BrowserContext["storageState"]>>> | undefined;

async function openSignedIn(viewport: (typeof VIEWPORTS)[number]): Promise<{ page: Page; cspErrors: string[] }> {
  session ??= (async () => {
    const { page } = await openPage(VIEWPORTS[0]);
    await signInThroughLatch(page);
    return page.context().storageState();
  })();
  const state = await session;
  const context = await browser.newContext({ viewport, storageState: state });
  contexts.push(context);
  const page = await context.newPage();
  const cspErrors: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspErrors.push(message.text());
  });
  await page.goto(`${server.url}/console`);
  await page.getByRole("heading", { name: "OAuth apps" }).waitFor();
  return { page, cspErrors };
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Judge the screen at rest, not a control under the pointer of the last click.
  await page.mouse.move(0, 0);
  expect(await seriousViolations(page), screen).toEqual([]);
}

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
