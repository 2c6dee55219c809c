import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as oauth from "oauth4webapi";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExternalIdentity, User } from "../../../server/db/entities/index.ts";
import { launchBrowser } from "../../support/browser.ts";
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
const insecure = { [oauth.allowInsecureRequests]: true };

let server: TestServer;
let upstream: UpstreamProvider;
let browser: Browser;
let context: BrowserContext;
let app: TestApp;
let callbackServer: Server;
let redirectUri: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startTestServer({ env: { LATCH_TRUST_CUSTOM_PROVIDER_EMAILS: "true" } }),
    launchBrowser(),
  ]);
  callbackServer = createServer((_request, response) => response.writeHead(200).end("ok"));
  await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve));
  redirectUri = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
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
  await new Promise((resolve) => (callbackServer ? callbackServer.close(resolve) : resolve(undefined)));
  await upstream?.close();
  await server?.stop();
});

describe("Sign in with Apple in Chromium", () => {
  it("follows the provider's cross-site form POST through Latch's relay page to consent, and the code redeems", async () => {
    const issuer = new URL(server.url);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { ...insecure, algorithm: "oidc" }),
    );
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorize = new URL(as.authorization_endpoint!);
    authorize.search = new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: redirectUri,
      response_type: "code",
      scope: "identify email",
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    }).toString();
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

    await page.goto(authorize.toString());
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
    const client: oauth.Client = { client_id: app.clientId };
    const params = oauth.validateAuthResponse(as, client, new URL(page.url()), state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic(app.clientSecret!),
        params,
        redirectUri,
        verifier,
        insecure,
      ),
    );
    const user = await server.orm.em.fork().findOneOrFail(User, { emailNormalized: "grace@privaterelay.example" });
    const me = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await me.json()).toMatchObject({ id: user.id, email: "grace@privaterelay.example" });
    const identity = await server.orm.em.fork().findOneOrFail(ExternalIdentity, { subject: "000111.apple" });
    expect(identity).toMatchObject({ kind: "apple", issuer: upstream.issuer });
  });
});
