import * as pulumi from "@pulumi/pulumi";
import { beforeAll, expect, test } from "vitest";
import { type Registration, resolved, setEngineMocks } from "../support/pulumi-mocks.ts";

let registrations: Registration[];

beforeAll(async () => {
  registrations = await setEngineMocks({
    create(args) {
      const minted: Record<string, unknown> = args.type.endsWith(":OAuthApp")
        ? { clientId: `latch_ci_${args.name}`, clientSecret: args.inputs.type === "public" ? null : "latch_cs_x" }
        : { secret: "s3cret" };
      return { id: `${args.name}-id`, state: { ...args.inputs, __provider: undefined, ...minted } };
    },
  });
});

test("the example program declares its resources and exports the client secret as a secret", async () => {
  const program = await import("../../examples/index.ts");
  expect(await resolved(program.dashboardClientId)).toBe("latch_ci_dashboard");
  expect(await pulumi.isSecret(program.dashboardClientSecret)).toBe(true);
  expect(await pulumi.isSecret(program.reportingSecret)).toBe(true);
  expect(await pulumi.isSecret(program.grantsWebhookSecret)).toBe(true);
  expect(await resolved(program.mobileClientId)).toBe("latch_ci_mobile");
  expect(registrations.map((r) => `${r.type.split(":").pop()}/${r.name}`).sort()).toEqual([
    "ClientSecret/reporting",
    "OAuthApp/dashboard",
    "OAuthApp/mobile",
    "Scope/billing-read",
    "Webhook/grants",
  ]);
  // Inputs reach the provider as the program wrote them: the scope's name resolved into the app's scopes.
  const dashboard = registrations.find((r) => r.name === "dashboard")!;
  expect(dashboard.inputs.scopes).toContain("billing:read");
});
