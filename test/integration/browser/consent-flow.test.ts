import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import * as oauth from "oauth4webapi";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeHtml } from "../../../server/http/pages/html.ts";
import { launchBrowser } from "../../support/browser.ts";
import { codeFlowRequest, discoverLatch, redeemCallback } from "../../support/code-flow-client.ts";
import { createApp, createUser, type TestApp, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

const OUTPUT = path.resolve(import.meta.dirname, "../../../test-output");
const APP_NAME = "Acme Notes";
const PRIMARY = "#7c3aed";
const PRIMARY_RGB = "rgb(124, 58, 237)";
const SCOPE = "openid identify email guilds";
const SCOPE_WORDS = [
  "Sign you in with your Latch account",
  "See your username and avatar",
  "See your email address",
  "See the workspaces you belong to",
];

let server: TestServer;
let browser: Browser;
let as: oauth.AuthorizationServer;
let app: TestApp;
let callbackServer: Server;
let callbackOrigin: string;
let redirectUri: string;
/** The page the callback server's `/frame` embeds: another origin trying to frame Latch. */
let frameTarget = "about:blank";
/** The Referer header of each request the app's callback received, as the browser sent it. */
const callbackReferers: (string | undefined)[] = [];
const contexts: BrowserContext[] = [];

/** The app's redirect target: answers `/callback` with "ok" and `/frame` with a page framing {@link frameTarget}. */
function startCallbackServer(): Promise<Server> {
  const callback = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/callback") {
      callbackReferers.push(request.headers.referer);
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    } else if (url.pathname === "/frame") {
      response
        .writeHead(200, { "content-type": "text/html" })
        .end(`<!doctype html><title>framer</title><iframe src="${escapeHtml(frameTarget)}"></iframe>`);
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => callback.listen(0, "127.0.0.1", () => resolve(callback)));
}

beforeAll(async () => {
  [server, browser, callbackServer] = await Promise.all([
    startTestServer(),
    launchBrowser(),
    startCallbackServer(),
    mkdir(OUTPUT, { recursive: true }),
  ]).then(([s, b, c]) => [s, b, c] as const);
  callbackOrigin = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}`;
  redirectUri = `${callbackOrigin}/callback`;
  as = await discoverLatch(server.url);
  const { organizationId } = await createUser(server.orm, { orgName: "Design Team" });
  app = await createApp(server.orm, organizationId, {
    name: APP_NAME,
    logoUrl: null,
    primaryColor: PRIMARY,
    secondaryColor: "#0ea5e9",
    homepageUrl: "https://notes.example.com/",
    privacyPolicyUrl: "https://notes.example.com/privacy",
    redirectUris: [redirectUri],
  });
  // A fresh CI machine installs Chromium first (apt-get, see ensureChromium): allow for that, once.
}, 16 * 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await new Promise((resolve) => (callbackServer ? callbackServer.close(resolve) : resolve(undefined)));
  await server?.stop();
});

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

function authorizeRequest() {
  return codeFlowRequest(as, { clientId: app.clientId, redirectUri, scope: SCOPE });
}

async function signIn(page: Page, user: TestUser, password = user.password): Promise<void> {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign In" }).click();
}

/** Waits for the consent page (the authorize endpoint's 200) and returns its response. */
function consentResponse(page: Page) {
  return page.waitForResponse(
    (response) => response.url().startsWith(as.authorization_endpoint!) && response.status() === 200,
  );
}

describe("the authorization code flow in Chromium", () => {
  it("signs in on the branded login page, authorizes on the consent page, and the code redeems", async () => {
    const { user } = await createUser(server.orm);
    const request = await authorizeRequest();
    const page = await newPage();

    await page.goto(request.url);
    expect(new URL(page.url()).pathname).toBe("/login");
    await expect(page.locator("h1").textContent()).resolves.toBe(`Sign in to continue to ${APP_NAME}`);
    const signInButton = page.getByRole("button", { name: "Sign In" });
    expect(await signInButton.evaluate((button) => getComputedStyle(button).backgroundColor)).toBe(PRIMARY_RGB);
    await page.screenshot({ path: path.join(OUTPUT, "login-page.png"), fullPage: true });

    const consent = consentResponse(page);
    await signIn(page, user);
    const consentHeaders = (await consent).headers();
    expect(consentHeaders["content-security-policy"]).toContain("frame-ancestors 'none'");
    await page.getByRole("button", { name: "Authorize" }).waitFor();

    await expect(page.locator("h1").textContent()).resolves.toContain(APP_NAME);
    const disc = page.locator(".card-header .badge");
    expect(await disc.evaluate((element) => element.tagName)).toBe("SPAN");
    expect((await disc.textContent())?.trim()).toBe("A");
    expect(await disc.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(PRIMARY_RGB);
    const scopes = await page.locator(".scopes li").allTextContents();
    expect(scopes.map((text) => text.trim())).toEqual(SCOPE_WORDS);
    const picker = page.getByLabel("Workspace");
    expect(await picker.locator("option").allTextContents()).toEqual([expect.stringMatching(/^Workspace /)]);
    expect(await page.getByRole("link", { name: "Website" }).getAttribute("href")).toBe("https://notes.example.com/");
    expect(await page.getByRole("link", { name: "Privacy policy" }).getAttribute("href")).toBe(
      "https://notes.example.com/privacy",
    );
    expect(await page.getByRole("button", { name: "Authorize" }).isEnabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Deny" }).isEnabled()).toBe(true);
    await page.screenshot({ path: path.join(OUTPUT, "consent-page.png"), fullPage: true });

    callbackReferers.length = 0;
    await page.getByRole("button", { name: "Authorize" }).click();
    await page.waitForURL((url) => url.href.startsWith(redirectUri));
    expect(await page.locator("body").textContent()).toBe("ok");
    // RFC 9700 §4.2.4: the policy the browser applies is the page's (the meta tag wins over the header), and it
    // sends the app no Referer naming the consent page.
    expect(await page.evaluate(() => document.referrer)).toBe("");
    expect(callbackReferers).toEqual([undefined]);
    const callback = new URL(page.url());
    expect(callback.origin + callback.pathname).toBe(redirectUri);
    expect(callback.searchParams.get("code")).toBeTruthy();
    expect(callback.searchParams.get("state")).toBe(request.state);
    expect(callback.searchParams.get("iss")).toBe(server.url);
    expect(callback.searchParams.get("error")).toBeNull();

    const tokens = await redeemCallback(as, app, callback, request, redirectUri, { idToken: true });
    expect(tokens.scope).toBe(SCOPE);
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe(user.id);
    const me = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await me.json()).toMatchObject({ id: user.id, email: user.email });
  });

  it("clicking Deny on a phone-sized screen lands on the redirect with access_denied", async () => {
    const { user } = await createUser(server.orm);
    const request = await authorizeRequest();
    const page = await newPage({ width: 360, height: 740 });

    await page.goto(request.url);
    await signIn(page, user);
    await page.getByRole("button", { name: "Deny" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    // Authorize and Deny side by side with equal weight, even on a phone.
    const deny = (await page.getByRole("button", { name: "Deny" }).boundingBox())!;
    const allow = (await page.getByRole("button", { name: "Authorize" }).boundingBox())!;
    expect(allow.y).toBe(deny.y);
    expect(Math.abs(allow.width - deny.width)).toBeLessThan(1);
    await page.screenshot({ path: path.join(OUTPUT, "consent-page-mobile.png"), fullPage: true });

    await page.getByRole("button", { name: "Deny" }).click();
    await page.waitForURL((url) => url.href.startsWith(redirectUri));
    const callback = new URL(page.url());
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe(request.state);
    expect(callback.searchParams.get("iss")).toBe(server.url);
    expect(callback.searchParams.get("code")).toBeNull();
  });

  it("a wrong password shows the generic error, and another origin cannot frame the consent page", async () => {
    const { user } = await createUser(server.orm);
    const request = await authorizeRequest();
    const page = await newPage();

    await page.goto(request.url);
    await signIn(page, user, "not the password");
    const alert = page.getByRole("alert");
    expect((await alert.textContent())?.trim()).toBe("Incorrect email or password.");
    const text = (await page.locator("body").textContent()) ?? "";
    expect(text).not.toMatch(/Error:|\bat .+\.ts:\d+|stack/i);
    expect(await page.getByLabel("Email").inputValue()).toBe(user.email);
    await page.screenshot({ path: path.join(OUTPUT, "login-error.png"), fullPage: true });

    await signIn(page, user);
    await page.getByRole("button", { name: "Authorize" }).waitFor();

    // Same browser, same session: the consent page framed by the app's origin must not render.
    frameTarget = request.url;
    const violations: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("frame-ancestors")) violations.push(message.text());
    });
    await page.goto(`${callbackOrigin}/frame`);
    await expect.poll(() => violations.length, { timeout: 5_000 }).toBeGreaterThan(0);
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    expect(frame).toBeDefined();
    expect(await frame!.locator("button").count()).toBe(0);
  });
});
