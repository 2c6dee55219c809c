import { gql } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsoleHarness,
  expectAccessible,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { apiKeyFor, controlPlane, globalId } from "../../support/control-plane.ts";
import { createApp } from "../../support/oauth-fixtures.ts";

let harness: ConsoleHarness;
let api: ReturnType<typeof controlPlane>;
const ORGANIZATION_WIDE = "https://example.com/hooks/whole-organization";

beforeAll(async () => {
  harness = await startConsoleHarness("Acme App Webhooks");
  api = controlPlane(harness.server, await apiKeyFor(harness.server, harness.organizationId));
  await api.request(gql`
    mutation {
      createWebhook(input: { url: "${ORGANIZATION_WIDE}", events: ["*"] }) {
        __typename
      }
    }
  `);
});

afterAll(async () => {
  await harness?.stop();
});

type Hooks = { webhooks: { edges: { node: { url: string; application: { id: string } | null } }[] } };

describe("the webhooks of an app, in its detail", () => {
  for (const viewport of VIEWPORTS) {
    it(`lists only the app's webhooks and adds one that hears only its events (${viewport.name})`, async () => {
      const name = `Hooked ${viewport.name} ${Date.now()}`;
      const app = await createApp(harness.server.orm, harness.organizationId, { name });
      const url = `https://example.com/hooks/${viewport.name}`;
      const { page, cspErrors } = await harness.openSignedIn(viewport);
      await page.getByRole("link", { name }).click();
      await page.getByRole("tab", { name: "Webhooks" }).click();
      await page.getByRole("heading", { name: `Webhooks of ${name}` }).waitFor();
      // The organization-wide webhook belongs on the Webhooks screen, not to this app.
      await page.getByText("No webhooks for this app yet").waitFor();
      expect(await page.getByText(ORGANIZATION_WIDE).count()).toBe(0);
      await expectAccessible(page, `app webhooks empty ${viewport.name}`);

      await page.getByLabel("Endpoint URL").fill(url);
      await page.getByRole("button", { name: "Add webhook" }).click();
      await page.getByText("Copy the signing secret now").waitFor();
      await page.getByLabel("I have stored the signing secret").check();
      await page.getByRole("button", { name: "Done" }).click();
      await page.getByRole("link", { name: url }).waitFor();
      expect(await page.getByRole("cell", { name, exact: true }).count()).toBe(1);
      await expectAccessible(page, `app webhooks ${viewport.name}`);
      await screenshot(page, `${viewport.name}-app-webhooks`);

      // What an API client sees: the new webhook is the app's, and the app's list holds only it.
      const hooks = await api.request<Hooks>(
        gql`
          query ($id: ID!) {
            webhooks(applicationId: $id) {
              edges {
                node {
                  url
                  application {
                    id
                  }
                }
              }
            }
          }
        `,
        { id: globalId("Application", app.id) },
      );
      expect(hooks.webhooks.edges.map((edge) => edge.node)).toEqual([
        { url, application: { id: globalId("Application", app.id) } },
      ]);
      expect(cspErrors).toEqual([]);
    });
  }
});
