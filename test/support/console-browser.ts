import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { seriousViolations } from "./axe.ts";
import { launchBrowser } from "./browser.ts";
import { createUser, type TestUser } from "./oauth-fixtures.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

/** Where the console's journeys save their screenshots. */
export const CONSOLE_OUTPUT = path.resolve(import.meta.dirname, "../../test-output/console");

export const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 375, height: 812 },
] as const;
export type Viewport = (typeof VIEWPORTS)[number];

export type ConsoleHarness = {
  readonly server: TestServer;
  readonly user: TestUser;
  readonly organizationId: string;
  /** A fresh browser context at `viewport`, collecting every CSP refusal the page reports. */
  openPage(viewport: Viewport): Promise<{ page: Page; cspErrors: string[] }>;
  /** Signs in through Latch's own login page (see {@link signInThroughLatch}). */
  signInThroughLatch(page: Page): Promise<void>;
  /** A fresh context on the console's first screen with the one signed-in session. */
  openSignedIn(viewport: Viewport): Promise<{ page: Page; cspErrors: string[] }>;
  stop(): Promise<void>;
};

/**
 * A server, Chromium and a member of one organization for the console's journeys. One sign-in through the page is
 * shared (its HttpOnly cookie) by every context: it saves a page load and an argon2 check per context (the login
 * throttle counts only failures, so signing in again would also work).
 */
export async function startConsoleHarness(
  orgName = "Acme Console",
  env: Record<string, string> = {},
): Promise<ConsoleHarness> {
  const [server, browser] = await Promise.all([
    startTestServer({ env }),
    launchBrowser(),
    mkdir(CONSOLE_OUTPUT, { recursive: true }),
  ]).then(([s, b]) => [s, b] as const);
  const { user, organizationId } = await createUser(server.orm, { orgName });
  const contexts: BrowserContext[] = [];
  let session: Promise<Awaited<ReturnType<BrowserContext["storageState"]>>> | undefined;

  const watch = (page: Page) => {
    const cspErrors: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspErrors.push(message.text());
    });
    return cspErrors;
  };
  const openPage = async (viewport: Viewport) => {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    return { page, cspErrors: watch(page) };
  };
  const signIn = (page: Page) => signInThroughLatch(page, server, user);
  const openSignedIn = async (viewport: Viewport) => {
    session ??= (async () => {
      const { page } = await openPage(VIEWPORTS[0]);
      await signIn(page);
      return page.context().storageState();
    })();
    const context = await browser.newContext({ viewport, storageState: await session });
    contexts.push(context);
    const page = await context.newPage();
    const cspErrors = watch(page);
    await page.goto(`${server.url}/console`);
    await page.getByRole("heading", { name: "OAuth apps" }).waitFor();
    return { page, cspErrors };
  };
  return {
    server,
    user,
    organizationId,
    openPage,
    signInThroughLatch: signIn,
    openSignedIn,
    async stop() {
      for (const context of contexts) await context.close();
      await browser.close();
      await server.stop();
    },
  };
}

/**
 * Signs in through Latch's own login page and waits on what the page really does: the form POSTs /login, which answers
 * 303 to `return_to` (exactly /console, no trailing slash or hash), and the console then renders its first screen. A
 * refused sign-in (rate limit, expired form) fails here with the login page's own message instead of a URL timeout.
 */
export async function signInThroughLatch(page: Page, server: TestServer, user: TestUser): Promise<void> {
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

/** axe-core finds no serious or critical violation on the screen at rest (not a control under the last click). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.mouse.move(0, 0);
  expect(await seriousViolations(page), screen).toEqual([]);
}

/** A full-page screenshot under test-output/console/. */
export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: path.join(CONSOLE_OUTPUT, `${name}.png`), fullPage: true });
}

/** Follows a link of the console's navigation, opening the menu first where it is folded (phones). */
export async function followNav(page: Page, name: string): Promise<void> {
  const burger = page.getByRole("button", { name: "Toggle navigation" });
  if (await burger.isVisible()) await burger.click();
  await page.getByRole("link", { name, exact: true }).click();
}
