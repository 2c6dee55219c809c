import { Webhook as StandardWebhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { createWebhook, freshOrganization } from "./harness.ts";
import { startReceiver } from "./receiver.ts";

let server: TestServer;

beforeAll(async () => {
  // LATCH_RUN_WORKER is left at its default: the server runs the worker itself.
  server = await startTestServer({ env: { LATCH_ALLOW_PRIVATE_WEBHOOKS: "true" } });
});
afterAll(() => server?.stop());

describe("the worker inside the server process", () => {
  it("delivers what the control plane changes, with no worker started by hand", async () => {
    const receiver = await startReceiver();
    try {
      const { admin } = await freshOrganization(server);
      const hook = await createWebhook(admin, { url: `${receiver.url}/in-process`, events: ["application.created"] });
      const created: any = await admin.request(
        `mutation ($input: CreateApplicationInput!) { createApplication(input: $input) {
          __typename ... on CreateApplicationPayload { application { id clientId } } } }`,
        { input: { name: "Hooked", type: "CONFIDENTIAL", redirectUris: ["https://app.example.com/cb"] } },
      );
      expect(created.createApplication.__typename).toBe("CreateApplicationPayload");
      const [request] = await receiver.waitFor(1);
      expect(new StandardWebhook(hook.secret).verify(request!.body, request!.headers)).toMatchObject({
        type: "application.created",
        data: { name: "Hooked", clientId: created.createApplication.application.clientId },
      });
    } finally {
      await receiver.close();
    }
  });
});
