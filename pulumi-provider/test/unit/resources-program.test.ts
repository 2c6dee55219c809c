import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, test } from "vitest";
import { ClientSecret, IdentityProvider, OAuthApp, Scope, Webhook } from "../../src/index.ts";
import { type Registration, resolved, setEngineMocks } from "../support/pulumi-mocks.ts";

let registrations: Registration[];

beforeAll(async () => {
  registrations = await setEngineMocks({
    create(args) {
      const minted: Record<string, Record<string, unknown>> = {
        "pulumi-nodejs:dynamic/latch:OAuthApp": { clientId: "latch_ci_x", clientSecret: "latch_cs_x" },
        "pulumi-nodejs:dynamic/latch:ClientSecret": { secret: "latch_cs_extra", last4: "xtra" },
        "pulumi-nodejs:dynamic/latch:Webhook": { secret: "whsec_abc" },
        "pulumi-nodejs:dynamic/latch:IdentityProvider": { clientSecretLast4: "1234" },
      };
      return { id: `${args.name}-id`, state: { ...args.inputs, __provider: undefined, ...minted[args.type] } };
    },
  });
});

describe("secret outputs of every resource (setMocks, engine emulated)", () => {
  test("ClientSecret.secret, Webhook.secret and IdentityProvider.clientSecret are secrets; the rest is not", async () => {
    const app = new OAuthApp("app", { name: "App" });
    const extra = new ClientSecret("extra", { app: app.id, name: "Partner" });
    const hook = new Webhook("hook", { url: "https://hooks.example.com/latch", events: ["*"], app: app.id });
    const idp = new IdentityProvider("github", {
      app: app.id,
      kind: "github",
      clientId: "gh",
      clientSecret: "plain-in-the-program",
    });
    const scope = new Scope("scope", { name: "billing:read", description: "Invoices" });

    expect(await pulumi.isSecret(extra.secret)).toBe(true);
    expect(await resolved(extra.secret)).toBe("latch_cs_extra");
    expect(await pulumi.isSecret(extra.last4)).toBe(false);
    expect(await pulumi.isSecret(hook.secret)).toBe(true);
    expect(await pulumi.isSecret(hook.url)).toBe(false);
    expect(await pulumi.isSecret(idp.clientSecret)).toBe(true);
    expect(await pulumi.isSecret(idp.clientId)).toBe(false);
    expect(await resolved(scope.name)).toBe("billing:read");

    const byName = (name: string) => registrations.find((r) => r.name === name)!;
    expect(byName("extra").additionalSecretOutputs).toEqual(["secret"]);
    expect(byName("hook").additionalSecretOutputs).toEqual(["secret"]);
    expect(byName("github").additionalSecretOutputs).toEqual(["clientSecret"]);
    expect(byName("scope").type).toBe("pulumi-nodejs:dynamic/latch:Scope");
  });
});
