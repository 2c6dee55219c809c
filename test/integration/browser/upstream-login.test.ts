import * as oauth from "oauth4webapi";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openString } from "../../../server/crypto/envelope.ts";
import { identityProviderSecretAad } from "../../../server/crypto/secret-aad.ts";
import { Event, ExternalIdentity, IdentityProvider, User } from "../../../server/db/entities/index.ts";
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

const APP_NAME = "Octo Notes";
const GITHUB_SECRET = "gh-browser-secret-5be21f0c7d";
const SCOPE = "openid identify email";

let server: TestServer;
let upstream: UpstreamProvider;
let browser: Browser;
let context: BrowserContext;
let app: TestApp;
let as: oauth.AuthorizationServer;
let callbackServer: RedirectTarget;
let redirectUri: string;
const logs: string[] = [];

beforeAll(async () => {
  // The double plays github.com at overridden endpoints; trusting its verified emails is opted into here.
  [server, browser] = await Promise.all([
    startTestServer({ logs, env: { LATCH_TRUST_CUSTOM_PROVIDER_EMAILS: "true" } }),
    launchBrowser(),
  ]);
  callbackServer = await startRedirectTarget();
  redirectUri = callbackServer.uri;
  upstream = await startUpstreamProvider({
    clients: [
      { clientId: "latch-github", clientSecret: GITHUB_SECRET, redirectUris: [`${server.url}/oauth/callback`] },
    ],
    accounts: [
      {
        sub: "gh-1",
        email: "mona@example.com",
        emailVerified: true,
        name: "Mona Lisa",
        githubId: 583231,
        login: "mona",
      },
    ],
    interaction: "form",
  });
  const { organizationId } = await createUser(server.orm);
  app = await createApp(server.orm, organizationId, { name: APP_NAME, redirectUris: [redirectUri] });
  const admin = controlPlane(server, await apiKeyFor(server, organizationId));
  await addIdentityProvider(admin, app.id, {
    kind: "GITHUB",
    clientId: "latch-github",
    clientSecret: GITHUB_SECRET,
    // The local provider plays github.com: its authorize, token and GitHub-shaped API endpoints.
    authorizationEndpoint: upstream.endpoints.authorization,
    tokenEndpoint: upstream.endpoints.token,
    userinfoEndpoint: upstream.endpoints.githubUser,
  });
  as = await discoverLatch(server.url);
  context = await browser.newContext();
}, 16 * 60_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
  await callbackServer?.close();
  await upstream?.close();
  await server?.stop();
});

describe("sign-in through GitHub in Chromium", () => {
  it("continues with GitHub from the app's login page, consents, and the app's code redeems", async () => {
    const request = await codeFlowRequest(as, { clientId: app.clientId, redirectUri, scope: SCOPE });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);

    await page.goto(request.url);
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.getByRole("link", { name: "Continue with GitHub" }).click();

    await page.waitForURL((url) => url.href.startsWith(`${upstream.issuer}/interaction/`));
    await expect(page.title()).resolves.toBe("Sign in to Upstream");
    await page.getByLabel("Username").fill("mona");
    await page.getByRole("button", { name: "Authorize" }).click();

    await page.waitForURL((url) => url.href.startsWith(as.authorization_endpoint!));
    const approve = page.getByRole("button", { name: "Authorize" });
    await approve.waitFor();
    await expect(page.locator("h1").textContent()).resolves.toContain(APP_NAME);
    await approve.click();

    await page.waitForURL((url) => url.href.startsWith(redirectUri));
    const tokens = await redeemCallback(as, app, new URL(page.url()), request, redirectUri, { idToken: true });
    const user = await server.orm.em.fork().findOneOrFail(User, { emailNormalized: "mona@example.com" });
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe(user.id);
    const me = await fetch(`${server.url}/api/v1/users/@me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await me.json()).toMatchObject({ id: user.id, email: "mona@example.com" });
    expect(user).toMatchObject({ emailVerified: true, passwordHash: null, displayName: "Mona Lisa" });
    expect(upstream.tokenRequests.get("authorization_code")).toBe(1);
    expect(upstream.apiRequests).toBe(2);

    const em = server.orm.em.fork();
    const identity = await em.findOneOrFail(ExternalIdentity, { subject: "583231" });
    expect(identity).toMatchObject({ kind: "github", issuer: upstream.issuer });
    expect(identity.user.id).toBe(user.id);
    expect(await em.count(Event, { type: "user.signed_in", subjectId: user.id })).toBeGreaterThanOrEqual(1);
  });

  it("keeps the provider's client secret sealed at rest and out of every log line", async () => {
    const [row] = await server.orm.em
      .fork()
      .getConnection()
      .execute<{ id: string; client_secret_encrypted: string; client_secret_last4: string }[]>(
        "select id, client_secret_encrypted, client_secret_last4 from identity_providers",
      );
    expect(row!.client_secret_encrypted).not.toContain(GITHUB_SECRET);
    expect(row!.client_secret_last4).toBe(GITHUB_SECRET.slice(-4));
    expect(openString(server.keyring, row!.client_secret_encrypted, identityProviderSecretAad(row!.id))).toBe(
      GITHUB_SECRET,
    );
    const identities = await server.orm.em
      .fork()
      .getConnection()
      .execute<{ row: string }[]>("select row_to_json(e)::text as row from external_identities e");
    expect(identities).toHaveLength(1);
    expect(identities[0]!.row).not.toContain(GITHUB_SECRET);
    expect(Object.keys(JSON.parse(identities[0]!.row))).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/token/)]),
    );
    expect(logs.some((line) => line.includes('"msg":"upstream sign-in"'))).toBe(true);
    expect(logs.join("\n")).not.toContain(GITHUB_SECRET);
    expect(await server.orm.em.fork().count(IdentityProvider, {})).toBe(1);
  });
});
