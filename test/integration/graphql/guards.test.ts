import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "../../support/graphql.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let apiKey: string;

beforeAll(async () => {
  server = await startTestServer();
  apiKey = server.firstRun!.apiKey;
});
afterAll(() => server?.stop());

describe("error masking", () => {
  it("turns an unexpected failure into INTERNAL_SERVER_ERROR with a request id, leaking no SQL, table or stack", async () => {
    const client = new pg.Client({ connectionString: server.database.url });
    await client.connect();
    try {
      // Induce a real failure the resolver cannot expect: the table it reads disappears.
      await client.query("alter table applications rename to applications_broken");
      const { status, json, headers } = await postGraphQL(
        server.url,
        { query: "{ applications { edges { node { clientId } } } }" },
        apiKey,
      );
      const body = JSON.stringify(json);
      expect(status).toBe(200);
      expect(json.errors?.[0]?.message).toBe("Unexpected error.");
      expect(json.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      expect(json.errors?.[0]?.extensions?.requestId).toBe(headers.get("x-request-id"));
      for (const leak of [/select/i, /applications_broken/, /relation/i, /\.ts:\d+/, /stack/i])
        expect(body).not.toMatch(leak);
    } finally {
      await client.query("alter table applications_broken rename to applications");
      await client.end();
    }
  });
});

describe("query limits", () => {
  it("refuses a query over the cost limit before running it", async () => {
    const fields =
      "edges { node { id clientId name description allowedScopes grantTypes createdAt updatedAt organization { id name slug } } }";
    const query = `{ ${Array.from({ length: 12 }, (_, i) => `a${i}: applications(first: 100) { ${fields} }`).join(" ")} }`;
    const { json } = await postGraphQL(server.url, { query }, apiKey);
    expect(json.errors?.[0]?.message).toMatch(/cost|aliases/i);
    expect(json.data ?? null).toBeNull();
  });

  it("refuses pages larger than 100", async () => {
    const { json } = await postGraphQL(server.url, { query: "{ applications(first: 500) { totalCount } }" }, apiKey);
    expect(json.errors?.[0]?.message).toMatch(/at most 100/);
  });
});

describe("introspection", () => {
  it("is available outside production", async () => {
    const { json } = await postGraphQL(server.url, { query: "{ __schema { queryType { name } } }" }, apiKey);
    expect(json.data.__schema.queryType.name).toBe("Query");
  });

  it("is refused in production unless LATCH_GRAPHQL_INTROSPECTION=true", async () => {
    const production = await startTestServer({ env: { NODE_ENV: "production" } });
    try {
      const { json } = await postGraphQL(
        production.url,
        { query: "{ __schema { queryType { name } } }" },
        production.firstRun!.apiKey,
      );
      expect(json.errors?.[0]?.message).toMatch(/introspection/i);
    } finally {
      await production.stop();
    }
    const enabled = await startTestServer({ env: { NODE_ENV: "production", LATCH_GRAPHQL_INTROSPECTION: "true" } });
    try {
      const { json } = await postGraphQL(
        enabled.url,
        { query: "{ __schema { queryType { name } } }" },
        enabled.firstRun!.apiKey,
      );
      expect(json.data.__schema.queryType.name).toBe("Query");
    } finally {
      await enabled.stop();
    }
  });
});
