import { mkdir } from "node:fs/promises";
import path from "node:path";
import * as OTPAuth from "otpauth";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "../../support/axe.ts";
import { launchBrowser } from "../../support/browser.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

const OUTPUT = path.resolve(import.meta.dirname, "../../../test-output/second-factor");

async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
}

/** Whether the page scrolls sideways (a layout that does not fit the viewport). */
const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

function codeFor(secret: string, offsetSteps = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ env: { LATCH_RUN_WORKER: "false" } }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("two-step verification in Chromium", () => {
  it("enrols an authenticator app on the account page, then signs in with a code (1280 and 375 px)", async () => {
    const { user } = await createUser(server.orm);
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await desktop.newPage();
    await page.goto(`${server.url}/login?return_to=%2Faccount%2Fsecurity`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign In" }).click();
    await page.waitForURL(`${server.url}/account/security`);
    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    await expect.poll(() => page.locator(".totp-qr svg").count()).toBe(1);
    const secret = (await page.getByTestId("totp-secret").innerText()).replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, "enrol-qr-1280");
    await page.getByLabel("Code from the app").fill(codeFor(secret));
    await page.getByRole("button", { name: "Turn on" }).click();
    await expect.poll(() => page.getByTestId("recovery-codes").locator("li").count()).toBe(10);
    await saveScreenshot(page, "recovery-codes-1280");
    await desktop.close();

    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const mobile = await phone.newPage();
    await mobile.goto(`${server.url}/login?return_to=%2Faccount%2Fsecurity`);
    await mobile.getByLabel("Email").fill(user.email);
    await mobile.getByLabel("Password").fill(user.password);
    await mobile.getByRole("button", { name: "Sign In" }).click();
    const codeField = mobile.getByLabel("Authentication code");
    await codeField.waitFor();
    expect(await codeField.getAttribute("autocomplete")).toBe("one-time-code");
    expect(await overflows(mobile)).toBe(false);
    expect(await seriousViolations(mobile)).toEqual([]);
    await saveScreenshot(mobile, "second-step-375");
    await codeField.fill("000000");
    await mobile.getByRole("button", { name: "Verify" }).click();
    await mobile.getByRole("alert").waitFor();
    expect(await mobile.getByRole("alert").innerText()).toContain("That code didn't work");
    await saveScreenshot(mobile, "second-step-error-375");
    await mobile.getByLabel("Authentication code").fill(codeFor(secret, 1));
    await mobile.getByRole("button", { name: "Verify" }).click();
    await mobile.waitForURL(`${server.url}/account/security`);
    expect(await mobile.locator("main, body").first().innerText()).toContain("10 recovery codes left.");
    expect(await overflows(mobile)).toBe(false);
    await saveScreenshot(mobile, "security-on-375");
    await phone.close();
  });
});
