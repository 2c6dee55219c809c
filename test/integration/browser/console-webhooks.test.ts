import { Webhook as StandardWebhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsoleHarness,
  expectAccessible,
  followNav,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { type Receiver, startReceiver } from "../events/receiver.ts";

let harness: ConsoleHarness;
const receivers: Receiver[] = [];

beforeAll(async () => {
  harness = await startConsoleHarness("Acme Webhooks", { LATCH_ALLOW_PRIVATE_WEBHOOKS: "true" });
});

afterAll(async () => {
  for (const receiver of receivers) await receiver.close();
  await harness?.stop();
});

describe("the console's webhooks", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: add one (secret once), send a test, read the failed attempt and its payload, redeliver`, async () => {
      const receiver = await startReceiver();
      receivers.push(receiver);
      let calls = 0;
      receiver.reply = () => (++calls === 1 ? { status: 500, body: "receiver is down" } : { status: 204 });
      const url = `${receiver.url}/hooks/${viewport.name}`;

      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await followNav(page, "Webhooks");
      await page.getByRole("heading", { name: "Webhooks" }).waitFor();
      await page.getByLabel("Endpoint URL").waitFor();
      if (viewport.name === "desktop") {
        await page.getByText("No webhooks yet").waitFor();
        await expectAccessible(page, "webhooks, empty");
        await screenshot(page, "webhooks-empty");
      }
      await page.getByLabel("Endpoint URL").fill(url);
      await page.getByLabel("Description").fill(`Journey at ${viewport.width}`);
      await page.getByRole("button", { name: "Add webhook" }).click();
      await page.getByText("Copy the signing secret now").waitFor();
      const secret =
        (await page
          .locator("code")
          .filter({ hasText: /^whsec_/ })
          .textContent()) ?? "";
      expect(secret).toMatch(/^whsec_/);
      await expectAccessible(page, "webhook secret once");
      await page.getByRole("checkbox", { name: "I have stored the signing secret" }).check();
      await page.getByRole("button", { name: "Done" }).click();
      await page.getByRole("link", { name: url }).click();
      await page.getByText("Delivery log (0)").waitFor();
      await page.getByText("No attempts yet").waitFor();
      await expectAccessible(page, "webhook, no attempts");
      await screenshot(page, `${viewport.name}-webhook-empty-log`);

      await page.getByRole("button", { name: "Send test" }).click();
      await page.getByText("Test sent").waitFor();
      // The attempt is logged when it ends; the screen refreshes itself (no reload by the test).
      await page.getByText("Delivery log (1)").waitFor();
      const [first] = await receiver.waitFor(1);
      // A real, signed Standard Webhooks message, verifiable with the secret the console showed once.
      const verified = new StandardWebhook(secret).verify(first!.body, first!.headers) as { type: string };
      expect(verified.type).toBe("webhook.test");

      await page.getByRole("button", { name: /Failed webhook\.test/ }).click();
      await page.getByText("HTTP 500").first().waitFor();
      // The receiver is on 127.0.0.1 (private targets allowed here): its answer's size is shown, not its body.
      await page.getByText(/HTTP 500 in \d+ ms, 16 bytes/).waitFor();
      expect(await page.getByText("receiver is down").count()).toBe(0);
      const payload = page.getByLabel("Event payload");
      await payload.waitFor();
      expect(await payload.textContent()).toContain('"type": "webhook.test"');
      await expectAccessible(page, "delivery log");
      await screenshot(page, `${viewport.name}-webhook-delivery`);

      await page.getByRole("button", { name: "Redeliver" }).click();
      await page.getByText("Delivery log (2)").waitFor();
      const [, second] = await receiver.waitFor(2);
      expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
      await page.locator("label", { hasText: /^Succeeded$/ }).click();
      await page.getByText("Delivery log (1)").waitFor();
      await page.locator("label", { hasText: /^Failed$/ }).click();
      await page.getByText("Delivery log (1)").waitFor();
      await screenshot(page, `${viewport.name}-webhook-failed-only`);

      await page.getByRole("button", { name: "Pause deliveries" }).click();
      await page.getByText("Paused", { exact: true }).waitFor();
      await page.getByRole("button", { name: "Resume deliveries" }).click();
      await page.getByText("Active", { exact: true }).waitFor();
      const remove = page.getByRole("button", { name: "Delete webhook" });
      expect(await remove.isDisabled()).toBe(true);
      await page.getByLabel("Type delete to confirm").fill("delete");
      await remove.click();
      await page.getByRole("heading", { name: "Webhooks" }).waitFor();
      await page.getByLabel("Endpoint URL").waitFor();
      expect(await page.getByRole("link", { name: url }).count()).toBe(0);
      expect(cspErrors).toEqual([]);
    });
  }

  it("says the API's refusal of a URL it will not call", async () => {
    const { page } = await harness.openSignedIn(VIEWPORTS[0]);
    await page.goto(`${harness.server.url}/console/webhooks`);
    await page.getByLabel("Endpoint URL").fill("ftp://example.com/hook");
    await page.getByRole("button", { name: "Add webhook" }).click();
    await page.getByRole("alert").first().waitFor();
    expect(await page.getByText("Copy the signing secret now").count()).toBe(0);
    await screenshot(page, "webhooks-error");
  });

  it("a webhook that does not exist says so", async () => {
    const { page } = await harness.openSignedIn(VIEWPORTS[1]);
    await page.goto(
      `${harness.server.url}/console/webhooks/V2ViaG9vazowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA%3D`,
    );
    await page.getByText(/does not exist/).waitFor();
  });
});
