import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExternalIdentity, User } from "../../../server/db/entities/index.ts";
import { launchBrowser } from "../../support/browser.ts";
import {
  codeFlowRequest,
  discoverLatch,
  type RedirectTarget,
  redeemCallback,
  startRedirectTarget,
} from "../../support/code-flow-client.ts";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { addIdentityProvider } from "../../support/identity-providers.ts";
import { createApp, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";

/**
 * Sign in with Apple in Chromium: the provider (the double, at `localhost`, another site than Latch at 127.0.0.1)
 * answers with an auto-submitting form POST. Chromium sends no SameSite=Lax cookie with that cross-site POST, so Latch
 * relays it through a page of its own, whose nonce'd script posts it again, same-site, with the cookie.
 */
const APPLE_SECRET = "apple-browser-secret-7d6c5b4a39";

let server: TestServer;
let upstream: UpstreamProvider;
let browser: Browser;
let context: BrowserContext;
let app: TestApp;
let callbackServer: RedirectTarget;
let redirectUri: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startTestServer({ env: { LATCH_TRUST_CUSTOM_PROVIDER_EMAILS: "true" } }),
    launchBrowser(),
  ]);
  callbackServer = await startRedirectTarget();
  redirectUri = callbackServer.uri;
  upstream = await startUpstreamProvider({
    clients: [{ clientId: "latch-apple", clientSecret: APPLE_SECRET, redirectUris: [`${server.url}/oauth/callback`] }],
    accounts: [{ sub: "000111.apple", email: "grace@privaterelay.example", emailVerified: true }],
    extraScopes: ["name"],
    host: "localhost",
  });
  const { organizationId } = await createUser(server.orm);
  app = await createApp(server.orm, organizationId, { name: "Orchard", redirectUris: [redirectUri] });
  const admin = controlPlane(server, await apiKeyFor(server, organizationId));
  await addIdentityProvider(admin, app.id, {
    kind: "APPLE",
    clientId: "latch-apple",
    clientSecret: APPLE_SECRET,
    issuer: upstream.issuer,
  });
  context = await browser.newContext();
}, 16 * 60_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
  await callbackServer?.close();
  await upstream?.close();
  await server?.stop();
});

describe("Sign in with Apple in Chromium", () => {
  it("follows the provider's cross-site form POST through Latch's relay page to consent, and the code redeems", async () => {
    const as = await discoverLatch(server.url);
    const request = await codeFlowRequest(as, { clientId: app.clientId, redirectUri, scope: "identify email" });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const callbackPosts: { status: number; cookie: boolean }[] = [];
    page.on("response", async (response) => {
      const request = response.request();
      if (request.method() === "POST" && response.url() === `${server.url}/oauth/callback`) {
        const headers = await request.allHeaders();
        callbackPosts.push({ status: response.status(), cookie: /latch_upstream=/.test(headers.cookie ?? "") });
      }
    });

    await page.goto(request.url);
    await page.getByRole("link", { name: "Continue with Apple" }).click();
    const approve = page.getByRole("button", { name: "Authorize" });
    await approve.waitFor();
    await expect(page.locator("h1").textContent()).resolves.toContain("Orchard");
    // The provider's POST came without the cookie and got the relay page; its own POST brought the cookie.
    expect(callbackPosts).toEqual([
      { status: 200, cookie: false },
      { status: 303, cookie: true },
    ]);
    await approve.click();

    await page.waitForURL((url) => url.href.startsWith(redirectUri));
    const tokens = await redeemCallback(as, app, new URL(page.url()), request, redirectUri, { idToken: false });
    const user = await server.orm.em.fork().findOneOrFail(User, { emailNormalized: "grace@privaterelay.example" });
    const me = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await me.json()).toMatchObject({ id: user.id, email: "grace@privaterelay.example" });
    const identity = await server.orm.em.fork().findOneOrFail(ExternalIdentity, { subject: "000111.apple" });
    expect(identity).toMatchObject({ kind: "apple", issuer: upstream.issuer });
  });
});
