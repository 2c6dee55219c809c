import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { globalId } from "../../support/control-plane.ts";
import { postGraphQL } from "../../support/graphql.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let apiKey: string;
const MARKER = "marker-secret-7f3a91c2";
const APP = globalId("Application", "00000000-0000-4000-8000-000000000000");

beforeAll(async () => {
  server = await startTestServer();
  apiKey = server.firstRun!.apiKey;
});
afterAll(() => server?.stop());

async function errorsOf(query: string, variables?: Record<string, unknown>) {
  const { status, json } = await postGraphQL(server.url, { query, ...(variables ? { variables } : {}) }, apiKey);
  expect(JSON.stringify(json)).not.toContain(MARKER);
  expect(status).toBeLessThan(500);
  return json.errors ?? [];
}

describe("GraphQL input coercion errors never echo an input value", () => {
  it("an unknown field beside a secret names the field, for every resource's input", async () => {
    const cases = [
      {
        query:
          "mutation ($input: CreateIdentityProviderInput!) { createIdentityProvider(input: $input) { __typename } }",
        input: { applicationId: APP, kind: "GITHUB", clientId: "id", clientSecret: MARKER, __provider: MARKER },
        type: "CreateIdentityProviderInput",
      },
      {
        query: "mutation ($input: CreateApplicationInput!) { createApplication(input: $input) { __typename } }",
        input: { name: "Redacted", type: "CONFIDENTIAL", description: MARKER, __provider: MARKER },
        type: "CreateApplicationInput",
      },
      {
        query: "mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { __typename } }",
        input: { url: `https://hooks.example.com/${MARKER}`, events: ["*"], __provider: MARKER },
        type: "CreateWebhookInput",
      },
    ];
    for (const { query, input, type } of cases) {
      const [error] = await errorsOf(query, { input });
      expect(error.message).toBe(
        `Variable "$input" got an invalid value; Field "__provider" is not defined by type "${type}".`,
      );
      expect(error.extensions.code).toBe("BAD_USER_INPUT");
    }
  });

  it("a value of the wrong type or no enum value: the path and the reason, not the value", async () => {
    const rotate = `mutation ($app: ID!, $overlap: Int, $name: String) {
      rotateClientSecret(applicationId: $app, overlapSeconds: $overlap, name: $name) { __typename } }`;
    const [int] = await errorsOf(rotate, { app: APP, overlap: MARKER });
    expect(int.message).toBe('Variable "$overlap" got an invalid value; Int cannot represent non-integer value.');
    const [name] = await errorsOf(rotate, { app: APP, name: { secret: MARKER } });
    expect(name.message).toBe('Variable "$name" got an invalid value; String cannot represent a non string value.');
    const [kind] = await errorsOf(
      "mutation ($input: CreateIdentityProviderInput!) { createIdentityProvider(input: $input) { __typename } }",
      { input: { applicationId: APP, kind: MARKER, clientId: "id", clientSecret: MARKER } },
    );
    expect(kind.message).toMatch(
      /^Variable "\$input" got an invalid value at "input\.kind"; the value is not one of the "IdentityProviderKind" enum's values\.$/,
    );
    const [scope] = await errorsOf(
      "mutation ($name: String!, $description: String!) { createScope(name: $name, description: $description) { __typename } }",
      { name: [MARKER], description: MARKER },
    );
    expect(scope.message).toBe('Variable "$name" got an invalid value; String cannot represent a non string value.');
  });

  it("a literal of the wrong type in the query text is not quoted back either", async () => {
    const [error] = await errorsOf(
      `mutation { rotateClientSecret(applicationId: "${APP}", overlapSeconds: "${MARKER}") { __typename } }`,
    );
    expect(error.message).toBe("Int cannot represent non-integer value.");
    const [object] = await errorsOf(`mutation { createWebhook(input: "${MARKER}") { __typename } }`);
    expect(object.message).toBe('Expected value of type "CreateWebhookInput!"; the value given is not one.');
    expect(object.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});
