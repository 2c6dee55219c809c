import { mkdir } from "node:fs/promises";
import path from "node:path";
import * as oauth from "oauth4webapi";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event, Session, WebauthnCredential } from "../../../server/db/entities/index.ts";
import { seriousViolations } from "../../support/axe.ts";
import { launchBrowser } from "../../support/browser.ts";
import { codeFlowRequest, discoverLatch, redeemCallback } from "../../support/code-flow-client.ts";
import { createApp, createUser, REDIRECT } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

const OUTPUT = path.resolve(import.meta.dirname, "../../../test-output/passkeys");

async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
}

/** Whether the page scrolls sideways (a layout that does not fit the viewport). */
const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

/** Chromium's DevTools virtual authenticator: a platform authenticator with discoverable credentials and UV. */
async function addVirtualAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  /** Whether the authenticator answers requests at once (as if touched); off, a request waits. */
  return (enabled: boolean) => cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled });
}

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  // WebAuthn RP ids are domains: Chromium refuses 127.0.0.1, and localhost is a secure context over http.
  [server, browser] = await Promise.all([
    startTestServer({ env: { LATCH_RUN_WORKER: "false" }, publicHost: "localhost" }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function latestSession(userId: string) {
  const sessions = await server.orm.em.fork().find(Session, { user: userId }, { orderBy: { createdAt: "desc" } });
  return sessions[0]!;
}

/** An authorization code flow in the signed-in browser (consent: Authorize): the ID token's `amr`. */
async function idTokenAmr(page: Page, organizationId: string): Promise<unknown> {
  const as = await discoverLatch(server.url);
  const app = await createApp(server.orm, organizationId);
  const request = await codeFlowRequest(as, { clientId: app.clientId, redirectUri: REDIRECT, scope: "openid" });
  const callback = page.waitForRequest((sent) => sent.url().startsWith(REDIRECT));
  await page.goto(String(request.url));
  await page.getByRole("button", { name: "Authorize" }).click();
  const tokens = await redeemCallback(as, app, new URL((await callback).url()), request, REDIRECT, { idToken: true });
  return oauth.getValidatedIdTokenClaims(tokens)!.amr;
}

describe("passkeys in Chromium (virtual authenticator)", () => {
  it("registers a passkey, signs in with it alone and as the second factor, refuses a replay, removes it", async () => {
    const { user, organizationId } = await createUser(server.orm);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const presence = await addVirtualAuthenticator(context, page);
    const csp: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" && message.text().includes("Content Security Policy")) csp.push(message.text());
    });

    await page.goto(`${server.url}/login?return_to=%2Faccount%2Fsecurity`);
    expect(await page.getByLabel("Email").getAttribute("autocomplete")).toBe("username webauthn");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign In" }).click();
    await page.waitForURL(`${server.url}/account/security`);
    expect(await page.getByText("You have no passkeys yet.").count()).toBe(1);

    // Register (named).
    await page.getByLabel("Name of the new passkey").fill("Work laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByText('Passkey "Work laptop" was added.').waitFor();
    const list = page.getByRole("list", { name: "Your passkeys" });
    expect(await list.locator("li").count()).toBe(1);
    expect(await list.innerText()).toContain("Work laptop");
    expect(await list.innerText()).toContain("Not used yet");
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, "security-1280");
    const em = server.orm.em.fork();
    const stored = await em.findOneOrFail(WebauthnCredential, { user: user.id });
    expect(stored.name).toBe("Work laptop");
    expect(stored.publicKey.length).toBeGreaterThan(40);
    expect(stored.transports).toContain("internal");
    expect(
      await em.count(Event, { type: "user.mfa_enrolled", subjectId: user.id, payload: { method: "passkey" } }),
    ).toBe(1);

    // Sign in with the passkey alone through the email field's autofill (conditional UI): the virtual authenticator
    // answers the conditional request at once. The response is captured to replay it afterwards.
    await context.clearCookies();
    const posted = page.waitForRequest((request) => request.url().endsWith("/login/passkey"));
    await page.goto(`${server.url}/login?return_to=%2Faccount%2Fsecurity`);
    await page.waitForURL(`${server.url}/account/security`);
    const alone = await latestSession(user.id);
    expect(alone.authMethod).toBe("passkey");
    expect(alone.secondFactor ?? null).toBeNull();
    expect(await list.innerText()).toContain("Last used");

    // The same signed response again (same browser cookies): refused (the signature counter did not move, and the
    // challenge was spent), and audited.
    const cookies = (await context.cookies()).map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
    const replay = await fetch(`${server.url}/login/passkey`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies, origin: server.url },
      body: (await posted).postData()!,
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toContain("passkey=failed");
    expect(
      await em.fork().count(Event, { type: "user.mfa_failed", subjectId: user.id, payload: { method: "passkey" } }),
    ).toBe(1);

    // And with the "Use a passkey" button, while the autofill request waits.
    await context.clearCookies();
    await presence(false);
    await page.goto(`${server.url}/login?return_to=%2Faccount%2Fsecurity`);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, "login-1280");
    await presence(true);
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await page.waitForURL(`${server.url}/account/security`);
    expect((await latestSession(user.id)).authMethod).toBe("passkey");
    // A device-bound passkey (the virtual authenticator's are not backed up) alone: hwk.
    expect(await idTokenAmr(page, organizationId)).toEqual(["hwk"]);

    // Password, then the passkey as the second factor (375 px).
    await context.clearCookies();
    await page.setViewportSize({ width: 375, height: 740 });
    await presence(false);
    await page.goto(`${server.url}/login?return_to=%2Faccount%2Fsecurity`);
    expect(await overflows(page)).toBe(false);
    await saveScreenshot(page, "login-375");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign In" }).click();
    const usePasskey = page.getByRole("button", { name: "Use a passkey" });
    await usePasskey.waitFor();
    expect(await page.getByLabel("Authentication code").count()).toBe(0);
    expect(await overflows(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, "second-step-375");
    await presence(true);
    await usePasskey.click();
    await page.waitForURL(`${server.url}/account/security`);
    const second = await latestSession(user.id);
    expect([second.authMethod, second.secondFactor]).toEqual(["password", "passkey"]);
    expect(await idTokenAmr(page, organizationId)).toEqual(["pwd", "hwk", "mfa"]);
    await page.goto(`${server.url}/account/security`);
    expect(await overflows(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, "security-375");

    // Remove it after the current password (a wrong one first).
    await page.getByLabel("Passkey", { exact: true }).selectOption({ label: "Work laptop" });
    await page.locator("#passkey-remove-password").fill("not my password");
    await page.getByRole("button", { name: "Remove passkey" }).click();
    await page.getByRole("alert").first().waitFor();
    expect(await page.getByRole("alert").first().innerText()).toContain("current password");
    await page.locator("#passkey-remove-password").fill(user.password);
    await page.getByRole("button", { name: "Remove passkey" }).click();
    await page.getByText('Passkey "Work laptop" was removed.').waitFor();
    expect(await page.getByText("You have no passkeys yet.").count()).toBe(1);
    expect(await em.fork().count(WebauthnCredential, { user: user.id })).toBe(0);
    expect(
      await em.fork().count(Event, { type: "user.mfa_removed", subjectId: user.id, payload: { method: "passkey" } }),
    ).toBeGreaterThan(0); // one per scope the user is known in (the apps authorized above)
    await saveScreenshot(page, "removed-375");

    // The authenticator still holds it (the autofill offers it at once), but Latch no longer knows it.
    await context.clearCookies();
    await page.goto(`${server.url}/login?return_to=%2Faccount%2Fsecurity`);
    await page.waitForURL(/passkey=failed/);
    expect(await page.getByRole("alert").first().innerText()).toContain("That passkey didn't work");
    expect(csp).toEqual([]);
    await context.close();
  });
});
