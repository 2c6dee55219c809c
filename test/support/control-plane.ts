import { ClientError, GraphQLClient } from "graphql-request";
import { createApiKey } from "../../server/services/create-api-key.ts";
import type { TestServer } from "./test-server.ts";

/** A graphql-request client for the control plane, authenticated with `apiKey`. */
export function controlPlane(server: TestServer, apiKey: string): GraphQLClient {
  return new GraphQLClient(`${server.url}/graphql`, { headers: { authorization: `Bearer ${apiKey}` } });
}

/** Mints an API key for an organization through the same service as the CLI. */
export async function apiKeyFor(
  server: TestServer,
  organizationId: string,
  scopes: string[] = ["admin"],
): Promise<string> {
  const { key } = await createApiKey(
    server.orm.em.fork(),
    { organizationId, name: `test ${scopes.join(",")} ${Math.random()}`, scopes, actor: { type: "system" } },
    new Date(),
  );
  return key;
}

/** The Relay global id of a row, as the control plane encodes it: base64 of `Type:uuid`. */
export const globalId = (typename: string, id: string): string => Buffer.from(`${typename}:${id}`).toString("base64");

/** The GraphQL errors of a request that failed as a whole, or of a partial response. */
export async function graphqlErrors(
  run: Promise<unknown>,
): Promise<{ message: string; extensions?: Record<string, unknown> }[]> {
  try {
    await run;
  } catch (error) {
    if (error instanceof ClientError) return (error.response.errors ?? []) as never;
    throw error;
  }
  throw new Error("expected GraphQL errors");
}
