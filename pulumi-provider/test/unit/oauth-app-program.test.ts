import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, test } from "vitest";
import type { OAuthAppProvider } from "../../src/provider/oauth-app.ts";
import { OAuthApp } from "../../src/resources/oauth-app.ts";
import { loadProvider, type Registration, resolved, setEngineMocks } from "../support/pulumi-mocks.ts";

let registrations: Registration[];

beforeAll(async () => {
  registrations = await setEngineMocks({
    organization: "acme",
    // Plays the engine + provider: check with the provider the SDK serialized, then a create's outputs.
    async create(args) {
      const provider = loadProvider<OAuthAppProvider>(args.inputs.__provider as string);
      const { inputs, failures } = await provider.check({}, args.inputs);
      if (failures.length > 0) throw new Error(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
      const confidential = inputs.type === "confidential";
      return {
        id: `app-${args.name}`,
        state: {
          ...inputs,
          clientId: `latch_ci_${args.name}`,
          clientSecret: confidential ? `latch_cs_${args.name}` : null,
          clientSecretLast4: null,
          previousSecretsExpireAt: null,
        },
      };
    },
  });
});

describe("an OAuthApp in a program (setMocks, engine emulated)", () => {
  test("clientSecret is a secret output; clientId and the settings are not", async () => {
    const app = new OAuthApp("web", {
      name: "Web",
      redirectUris: ["https://web.example.com/callback"],
      scopes: ["openid"],
      rotation: "2026-01",
    });
    expect(await pulumi.isSecret(app.clientSecret)).toBe(true);
    expect(await resolved(app.clientSecret)).toBe("latch_cs_web");
    expect(await pulumi.isSecret(app.clientId)).toBe(false);
    expect(await resolved(app.clientId)).toBe("latch_ci_web");
    expect(await resolved(app.redirectUris)).toEqual(["https://web.example.com/callback"]);
    expect(await resolved(app.grantTypes)).toEqual(["authorization_code", "refresh_token"]);
    const registration = registrations.find((r) => r.name === "web")!;
    expect(registration.type).toBe("pulumi-nodejs:dynamic/latch:OAuthApp");
    expect(registration.additionalSecretOutputs).toEqual(["clientSecret"]);
    expect(typeof registration.inputs.__provider).toBe("string");
  });

  test("the program's own additionalSecretOutputs are kept alongside clientSecret", async () => {
    const app = new OAuthApp("mobile", { name: "Mobile", type: "public" }, { additionalSecretOutputs: ["clientId"] });
    expect(await pulumi.isSecret(app.clientId)).toBe(true);
    expect(await resolved(app.clientSecret)).toBeNull();
    expect(registrations.find((r) => r.name === "mobile")!.additionalSecretOutputs.sort()).toEqual([
      "clientId",
      "clientSecret",
    ]);
  });

  test("the app records this stack as its manager; retainOnDelete becomes the provider's job", async () => {
    const kept = new OAuthApp("kept", { name: "Kept" }, { retainOnDelete: true });
    const plain = new OAuthApp("plain", { name: "Plain" });
    await Promise.all([resolved(kept.id), resolved(plain.id)]);
    expect(await resolved(kept.managedBy)).toBe("pulumi:acme/latch-test/dev");
    const registered = (name: string) => registrations.find((r) => r.name === name)!;
    expect(registered("kept").inputs).toMatchObject({ managedBy: "pulumi:acme/latch-test/dev", retainOnDelete: true });
    expect(registered("plain").inputs).toMatchObject({ retainOnDelete: false });
    // The engine must call delete, so that the provider can clear the marker instead of deleting the app.
    expect(registered("kept").retainOnDelete).toBe(false);
  });

  test("a secret passed in stays secret through outputs that depend on clientSecret", async () => {
    const app = new OAuthApp("api", { name: "API" });
    const header = pulumi.interpolate`Basic ${app.clientId}:${app.clientSecret}`;
    expect(await pulumi.isSecret(header)).toBe(true);
  });
});
