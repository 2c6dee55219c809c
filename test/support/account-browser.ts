import { mkdir } from "node:fs/promises";
import path from "node:path";
import type * as oauth from "oauth4webapi";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { Organization } from "../../server/db/entities/index.ts";
import { seriousViolations } from "./axe.ts";
import { launchBrowser } from "./browser.ts";
import {
  type CodeFlowRequest,
  codeFlowRequest,
  discoverLatch,
  type RedirectTarget,
  redeemCallback,
  startRedirectTarget,
} from "./code-flow-client.ts";
import { createApp, createUser, type TestApp, type TestUser } from "./oauth-fixtures.ts";
import { type SmtpCapture, startSmtpCapture } from "./smtp-capture.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

/** Where the account journeys save their screenshots (for people to look at, never compared). */
export const JOURNEYS_OUTPUT = path.resolve(import.meta.dirname, "../../test-output/account-journeys");

export const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 375, height: 812 },
] as const;
export type Viewport = (typeof VIEWPORTS)[number];

export type JourneyHarness = {
  readonly server: TestServer;
  readonly smtp: SmtpCapture;
  readonly as: oauth.AuthorizationServer;
  /** The owner of the app's organization (OPEN sign-up), and the app people authorize. */
  readonly owner: TestUser;
  readonly organizationId: string;
  readonly organizationName: string;
  readonly app: TestApp;
  readonly redirectUri: string;
  /** A fresh browser context (its own cookies) at `viewport`, collecting every CSP refusal its page reports. */
  openPage(viewport: Viewport): Promise<{ page: Page; cspErrors: string[] }>;
  /** An authorization request of the app (PKCE, state, nonce). */
  authorizeRequest(scope?: string): Promise<CodeFlowRequest>;
  /** Clicks Authorize on the consent page, waits for the app's callback and redeems its code with oauth4webapi. */
  authorizeAndRedeem(page: Page, request: CodeFlowRequest): Promise<oauth.TokenEndpointResponse>;
  stop(): Promise<void>;
};

/**
 * A server with real SMTP on loopback, Chromium, and an app whose organization lets people sign up, for the account
 * journeys (sign up, reset, invitations, workspaces, deletion).
 */
export async function startJourneyHarness(organizationName: string): Promise<JourneyHarness> {
  const smtp = await startSmtpCapture();
  const [server, browser, target] = await Promise.all([
    startTestServer({ env: { LATCH_SMTP_URL: smtp.url } }),
    launchBrowser(),
    startRedirectTarget(),
    mkdir(JOURNEYS_OUTPUT, { recursive: true }),
  ]).then(([s, b, t]) => [s, b, t] as [TestServer, Browser, RedirectTarget]);
  const as = await discoverLatch(server.url);
  const { user: owner, organizationId } = await createUser(server.orm, { orgName: organizationName });
  await server.orm.em.fork().nativeUpdate(Organization, { id: organizationId }, { signUpPolicy: "OPEN" });
  const app = await createApp(server.orm, organizationId, {
    name: "Acme Notes",
    primaryColor: "#7c3aed",
    redirectUris: [target.uri],
  });
  const contexts: BrowserContext[] = [];
  return {
    server,
    smtp,
    as,
    owner,
    organizationId,
    organizationName,
    app,
    redirectUri: target.uri,
    async openPage(viewport) {
      const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const cspErrors: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) cspErrors.push(message.text());
      });
      return { page, cspErrors };
    },
    authorizeRequest: (scope = "openid email profile") =>
      codeFlowRequest(as, { clientId: app.clientId, redirectUri: target.uri, scope }),
    async authorizeAndRedeem(page, request) {
      await Promise.all([
        page.waitForURL((url) => url.href.startsWith(target.uri)),
        page.getByRole("button", { name: "Authorize" }).click(),
      ]);
      return redeemCallback(as, app, new URL(page.url()), request, target.uri, { idToken: true });
    },
    async stop() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await target.close();
      await server.stop();
      await smtp.close();
    },
  };
}

/** A full-page screenshot under test-output/account-journeys/, named `<viewport>-<step>.png`. */
export async function screenshot(page: Page, viewport: Viewport, step: string): Promise<void> {
  await page.screenshot({ path: path.join(JOURNEYS_OUTPUT, `${viewport.name}-${step}.png`), fullPage: true });
}

/** axe-core finds no serious or critical violation on the page at rest. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.mouse.move(0, 0);
  expect(await seriousViolations(page), screen).toEqual([]);
}

/** Fills Latch's login form on the current page and waits for the page it returns to (`then`, a path). */
export async function signInOnPage(page: Page, user: TestUser, then: string | RegExp): Promise<void> {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await Promise.all([
    page.waitForURL((url) => (typeof then === "string" ? url.pathname === then : then.test(url.href))),
    page.getByRole("button", { name: "Sign In" }).click(),
  ]);
}

/** Signs in from the login page of `returnTo` (an account page) in a page of its own context. */
export async function signInTo(page: Page, server: TestServer, user: TestUser, returnTo: string): Promise<void> {
  await page.goto(`${server.url}/login?return_to=${encodeURIComponent(returnTo)}`);
  await signInOnPage(page, user, returnTo);
}

/**
 * GraphQL as the person signed in to `page`'s browser context (its session cookie), in `organizationId`: what the
 * console sends. Fails on any GraphQL error.
 */
export async function graphqlAs(
  page: Page,
  server: TestServer,
  organizationId: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<any> {
  const response = await page.context().request.post(`${server.url}/graphql`, {
    headers: { "content-type": "application/json", "latch-organization": organizationId, origin: server.url },
    data: { query, variables },
  });
  const json = (await response.json()) as { data?: any; errors?: unknown[] };
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data;
}
