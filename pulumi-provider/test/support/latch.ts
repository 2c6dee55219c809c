import type { GraphQLClient } from "graphql-request";
import { apiKeyFor, controlPlane } from "../../../test/support/control-plane.ts";
import { createUser } from "../../../test/support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../../test/support/test-server.ts";

export type LatchFixture = {
  server: TestServer;
  organizationId: string;
  apiKey: string;
  admin: GraphQLClient;
  /** Stack config the way the dynamic-provider host hands it to `configure()`. */
  config: { get(key: string): string | undefined; require(key: string): string };
  stop(): Promise<void>;
};

export function configOf(values: Record<string, string>) {
  return {
    get: (key: string) => values[key],
    require: (key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`missing required configuration variable '${key}'`);
      return value;
    },
  };
}

/** A running Latch with an organization and an admin API key for it. */
export async function startLatchFixture(): Promise<LatchFixture> {
  const server = await startTestServer();
  const { organizationId } = await createUser(server.orm);
  const apiKey = await apiKeyFor(server, organizationId);
  return {
    server,
    organizationId,
    apiKey,
    admin: controlPlane(server, apiKey),
    config: configOf({ "latch:endpoint": server.url, "latch:apiKey": apiKey }),
    stop: () => server.stop(),
  };
}

/** Whether `clientSecret` authenticates `clientId` at the token endpoint (client_credentials). */
export async function secretWorks(server: TestServer, clientId: string, clientSecret: string): Promise<boolean> {
  const response = await fetch(`${server.url}/oauth2/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`,
    },
    body: new URLSearchParams({ grant_type: "client_credentials" }),
  });
  await response.body?.cancel();
  return response.status === 200;
}
