import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../support/browser.ts";
import { insertIntegration } from "../../support/integration-fixtures.ts";
import { createApp, createUser, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";

const OUTPUT = path.resolve(import.meta.dirname, "../../../test-output/connection-popup");

async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
}

let server: TestServer;
let upstream: UpstreamProvider;
let browser: Browser;
let opener: Server;
/** The app page that opens the popup: another site than Latch (localhost, not 127.0.0.1). */
let openerOrigin: string;
let user: TestUser;
let integrationId: string;

/** The app's page: a Connect button that opens Latch's start URL in a popup and shows the message it gets back. */
function startOpener(): Promise<Server> {
  const page = createServer((request, response) => {
    const start = new URL(request.url ?? "/", "http://localhost").searchParams.get("start") ?? "";
    response.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><title>App</title>
<button id="connect">Connect files</button><pre id="result">waiting</pre>
<script>
  window.addEventListener("message", (event) => {
    document.getElementById("result").textContent = JSON.stringify({ origin: event.origin, data: event.data });
  });
  document.getElementById("connect").addEventListener("click", () => {
    window.open(${JSON.stringify(start)}, "connect", "popup,width=520,height=640");
  });
</script>`);
  });
  return new Promise((resolve) => page.listen(0, "127.0.0.1", () => resolve(page)));
}

beforeAll(async () => {
  [server, browser, opener] = await Promise.all([
    startTestServer({ env: { LATCH_RUN_WORKER: "false" } }),
    launchBrowser(),
    startOpener(),
  ]);
  openerOrigin = `http://localhost:${(opener.address() as AddressInfo).port}`;
  upstream = await startUpstreamProvider({
    clients: [
      { clientId: "files", clientSecret: "files-secret-0123456789", redirectUris: [`${server.url}/oauth/callback`] },
    ],
    interaction: "auto",
  });
  let organizationId: string;
  ({ user, organizationId } = await createUser(server.orm));
  await createApp(server.orm, organizationId, { redirectUris: [`${openerOrigin}/callback`] });
  integrationId = (
    await insertIntegration(server, {
      organizationId,
      domain: "files.example",
      grantType: "authorization_code",
      clientId: "files",
      clientSecret: "files-secret-0123456789",
      authorizeUrl: upstream.endpoints.authorization,
      tokenUrl: upstream.endpoints.token,
      scopes: ["files.read"],
    })
  ).id;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await upstream?.close();
  await new Promise<void>((resolve) => (opener ? opener.close(() => resolve()) : resolve()));
  await server?.stop();
});

describe("connection popup in Chromium", () => {
  it("connects in a popup opened by an app on another site, which gets the result by postMessage", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign In" }).click();
    await page.waitForURL(`${server.url}/account/connections`);

    const start = `${server.url}/connections/${integrationId}/start?origin=${encodeURIComponent(openerOrigin)}`;
    await page.goto(`${openerOrigin}/?start=${encodeURIComponent(start)}`);
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.getByRole("button").click()]);
    await popup.waitForEvent("close", { timeout: 45_000 });
    await expect.poll(async () => page.locator("#result").textContent(), { timeout: 10_000 }).not.toBe("waiting");
    const result = JSON.parse((await page.locator("#result").textContent()) ?? "{}");
    expect(result).toMatchObject({
      origin: new URL(server.url).origin,
      data: { type: "latch:connection", status: "connected", integrationId, connectionId: expect.any(String) },
    });
    const rows = await server.orm.em
      .fork()
      .getConnection()
      .execute<{ id: string; status: string }[]>("select id, status from connections where user_id = ?", [user.id]);
    expect(rows).toEqual([{ id: result.data.connectionId, status: "active" }]);
    await context.close();
  }, 90_000);

  it("connects a person who is signed out when the journey starts: sign in inside the popup, then on to the provider", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const start = `${server.url}/connections/${integrationId}/start?origin=${encodeURIComponent(openerOrigin)}`;
    await page.goto(`${openerOrigin}/?start=${encodeURIComponent(start)}`);
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.getByRole("button").click()]);
    await popup.waitForURL(/\/login\?return_to=/);
    // The popup's opener must survive the sign-in page, or the result has nowhere to go.
    expect(await popup.evaluate(() => window.opener !== null)).toBe(true);
    const blocked: string[] = [];
    popup.on("console", (message) => {
      if (/Content Security Policy|form-action/i.test(message.text())) blocked.push(message.text());
    });
    await popup.getByLabel("Email").fill(user.email);
    await popup.getByLabel("Password").fill(user.password);
    await saveScreenshot(popup, "connection-popup-signed-out-login");
    await popup.getByRole("button", { name: "Sign In" }).click();
    await popup.waitForEvent("close", { timeout: 45_000 });
    expect(blocked).toEqual([]);
    await expect.poll(async () => page.locator("#result").textContent(), { timeout: 10_000 }).not.toBe("waiting");
    const result = JSON.parse((await page.locator("#result").textContent()) ?? "{}");
    expect(result).toMatchObject({
      origin: new URL(server.url).origin,
      data: { type: "latch:connection", status: "connected", integrationId, connectionId: expect.any(String) },
    });
    await context.close();
  }, 90_000);

  it("keeps the default opener policy and form-action 'self' on a login page that continues nothing", async () => {
    const response = await fetch(`${server.url}/login`);
    expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(response.headers.get("content-security-policy")).toMatch(/form-action 'self'(;|$)/);
    const unknown = await fetch(
      `${server.url}/login?return_to=${encodeURIComponent(`/connections/${crypto.randomUUID()}/start`)}`,
    );
    expect(unknown.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(unknown.headers.get("content-security-policy")).toMatch(/form-action 'self'(;|$)/);
  });
});
