import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type ProviderHost,
  proto,
  resourceRpcs,
  secretValue,
  serializedProviders,
  startProviderHost,
  toStruct,
} from "../support/provider-host.ts";

/**
 * A control plane that quotes everything back in its error (the request body, the Authorization header and whatever
 * `says` holds), the way Latch's GraphQL layer once quoted a refused input: whatever a server says, no secret a
 * resource holds may reach the engine (and so the CLI) in an error message or the host's log.
 */
const API_KEY = "latch_ak_marker-api-key-51d0";
let says = "";
let echo: Server;
let host: ProviderHost;
let texts: Record<string, string>;

beforeAll(async () => {
  echo = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      const message = `refused ${body} from ${request.headers.authorization} ${says}`;
      response.end(JSON.stringify({ data: null, errors: [{ message, extensions: { code: "BAD_USER_INPUT" } }] }));
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  [host, texts] = await Promise.all([startProviderHost(), serializedProviders()]);
  const configure = new proto.ConfigureRequest();
  const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  configure.setArgs(toStruct({ "latch:endpoint": url, "latch:apiKey": secretValue(API_KEY) }));
  configure.setAcceptsecrets(true);
  await host.call("configure", configure);
}, 120_000);
afterAll(async () => {
  await host?.stop();
  await new Promise((resolve) => echo?.close(resolve));
});

/** Each resource with a marker in every field it declares secret: as an input, or in the state it is handed. */
const RESOURCES: { type: string; marker: string; inputs: Record<string, unknown>; state: Record<string, unknown> }[] = [
  {
    type: "OAuthApp",
    marker: "latch_cs_marker-app-secret-93ab",
    inputs: { name: "Redacted app", rotation: "r2" },
    state: { name: "Redacted app", clientSecret: "latch_cs_marker-app-secret-93ab", rotation: "r1" },
  },
  {
    type: "ClientSecret",
    marker: "latch_cs_marker-extra-secret-0c11",
    inputs: { app: "app-id", name: "Redacted", rotation: "r2" },
    state: { app: "app-id", name: "Redacted", secret: "latch_cs_marker-extra-secret-0c11", secretId: "s1" },
  },
  {
    type: "IdentityProvider",
    marker: "-----BEGIN PRIVATE KEY-----\nmarker-upstream-secret-77e2\n-----END PRIVATE KEY-----",
    inputs: {
      app: "app-id",
      kind: "github",
      clientId: "gh",
      clientSecret: "-----BEGIN PRIVATE KEY-----\nmarker-upstream-secret-77e2\n-----END PRIVATE KEY-----",
    },
    state: {
      app: "app-id",
      kind: "github",
      clientId: "gh-old",
      clientSecret: "-----BEGIN PRIVATE KEY-----\nmarker-upstream-secret-77e2\n-----END PRIVATE KEY-----",
    },
  },
  {
    type: "Webhook",
    marker: "whsec_marker-webhook-secret-4f5e",
    inputs: { url: "https://hooks.example.com/latch", events: ["*"], rotation: "r2" },
    state: { url: "https://hooks.example.com/latch", events: ["*"], secret: "whsec_marker-webhook-secret-4f5e" },
  },
  // A Scope holds no secret of its own: the API key is what it must not show.
  { type: "Scope", marker: API_KEY, inputs: { name: "redacted:read", description: "Redacted" }, state: {} },
];

describe("no provider error holds a secret, whatever the server says", () => {
  test.each(RESOURCES)("$type: create, read, update and delete errors", async ({ type, marker, inputs, state }) => {
    const rpc = resourceRpcs(host, texts, type);
    const { inputs: checked } = await rpc.check({}, inputs);
    const withProvider = (props: Record<string, unknown>) => ({ ...props, __provider: texts[type] });
    const say = `(the resource's secret is ${marker}; as JSON ${JSON.stringify(marker)})`;
    // A create knows only its inputs (a secret the server mints is not one yet); the API key is in every request.
    says = Object.values(inputs).includes(marker) || marker === API_KEY ? say : "";
    const created = await rpc.create(checked).catch((error: Error) => error);
    says = say;
    const failures = await Promise.all([
      created,
      rpc.read("some-id", withProvider(state)).catch((error: Error) => error),
      rpc.update("some-id", withProvider(state), checked).catch((error: Error) => error),
      rpc.delete("some-id", withProvider(state)).catch((error: Error) => error),
    ]);
    const markers = [API_KEY, marker, ...marker.split("\n").filter((line) => line.startsWith("marker"))];
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(Error);
      const details = (failure as { details?: string }).details ?? "";
      expect(details).toContain("refused");
      expect(details).toContain("[secret]");
      for (const secret of markers) expect(details).not.toContain(secret);
    }
    for (const secret of markers) expect(host.stderr()).not.toContain(secret);
  });
});
