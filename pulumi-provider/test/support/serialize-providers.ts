/**
 * Prints, as JSON, the `__provider` text the SDK stores for each resource of this package, produced by plain Node
 * (type stripping, no bundler) the way `pulumi up` runs a program: `node serialize-providers.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClientSecret, IdentityProvider, OAuthApp, Scope, Webhook } from "../../src/index.ts";

const texts: Record<string, string> = {};
await pulumi.runtime.setMocks(
  {
    newResource(args) {
      texts[args.type.split(":").pop()!] = args.inputs.__provider as string;
      return { id: `${args.name}-id`, state: {} };
    },
    call: (args) => args.inputs,
  },
  "serialize",
  "dev",
  false,
);

const app = new OAuthApp("app", { name: "Serialized" });
const resources: pulumi.CustomResource[] = [
  app,
  new ClientSecret("secret", { app: app.id, name: "Serialized" }),
  new Scope("scope", { name: "serialized:read", description: "Serialized" }),
  new IdentityProvider("idp", { app: app.id, kind: "github", clientId: "id", clientSecret: "serialized-secret" }),
  new Webhook("webhook", { url: "https://hooks.example.com/latch", events: ["*"] }),
];
await Promise.all(resources.map((resource) => new Promise((resolve) => resource.id.apply(resolve))));
process.stdout.write(JSON.stringify(texts));
