import * as pulumi from "@pulumi/pulumi";
import { beforeAll, expect, test } from "vitest";
import type * as latchPulumi from "../../src/index.ts";
import { setEngineMocks } from "../support/pulumi-mocks.ts";

let lib: typeof latchPulumi;
const unknownString = () => pulumi.output(pulumi.unknown) as unknown as pulumi.Output<string>;

/** Whether an Output is known: its value, or "unknown" (the SDK's own view, as its invoke reads it). */
async function known<T>(output: pulumi.Output<T>): Promise<T | "unknown"> {
  const internal = output as unknown as { isKnown: Promise<boolean>; promise(): Promise<T> };
  return (await internal.isKnown) ? internal.promise() : "unknown";
}

beforeAll(async () => {
  // A preview: the app below would be created, so its id is unknown. No endpoint or key is configured, so a lookup
  // that ran would fail (NOT_CONFIGURED) instead of being unknown.
  delete process.env.LATCH_ENDPOINT;
  delete process.env.LATCH_API_KEY;
  await setEngineMocks({ preview: true, create: (args) => ({ id: undefined, state: { ...args.inputs } }) });
  lib = await import("../../src/index.ts");
});

test("in a preview, an Output lookup of an unknown input or dependency is unknown and asks nothing", async () => {
  const app = new lib.OAuthApp("new-app", { name: "Not yet" });
  expect(await known(app.id)).toBe("unknown");
  expect(await known(lib.getOAuthAppOutput({ clientId: unknownString() }))).toBe("unknown");
  expect(await known(lib.getScopeOutput({ name: "openid" }, { dependsOn: [app] }))).toBe("unknown");
  expect(await known(lib.getWebhookOutput({ id: unknownString() }))).toBe("unknown");
});

test("a provider whose key is unknown: the Output form is unknown, the Promise form says to use it", async () => {
  const provider = new lib.Provider("later", { endpoint: "http://127.0.0.1:9", apiKey: unknownString() });
  expect(await known(lib.getScopeOutput({ name: "openid" }, { provider }))).toBe("unknown");
  await expect(lib.getScope({ name: "openid" }, { provider })).rejects.toThrow(
    /^getScope: name: the provider's endpoint or API key is not known yet .*use the Output form of the lookup \[UNKNOWN_DURING_PREVIEW\]$/,
  );
});

test("without a configured endpoint and key, a lookup says how to configure them", async () => {
  await expect(lib.getOAuthApp({ name: "Anything" })).rejects.toThrow(
    /^getOAuthApp: no Latch endpoint or API key: set `pulumi config set latch:endpoint <url>`.*\[NOT_CONFIGURED\]$/,
  );
});
