import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { authorizeUrl, signedInAgent, sql } from "../../support/oauth-client.ts";
import { createApp, createUser, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import type { UserAgent } from "../../support/user-agent.ts";

/**
 * Issue #20 item 13: the consent page shows who really asks (the host the authorization redirects to, beside the
 * app's name), and names that disguise themselves (bidi controls, zero-width characters, mixed scripts) are refused
 * when an app is created or renamed, through GraphQL and the REST admin API alike.
 */

let server: TestServer;
let user: TestUser;
let organizationId: string;
let agent: UserAgent;
let apiKey: string;
let admin: GraphQLClient;

beforeAll(async () => {
  server = await startTestServer();
  ({ user, organizationId } = await createUser(server.orm));
  agent = await signedInAgent(server, user);
  apiKey = await apiKeyFor(server, organizationId);
  admin = controlPlane(server, apiKey);
});
afterAll(() => server?.stop());

/** The consent page's HTML for an authorization of `app` to `redirectUri`. */
async function consentPage(app: { clientId: string }, redirectUri: string): Promise<string> {
  const response = await agent.get(authorizeUrl(app, { prompt: "consent", redirect_uri: redirectUri }));
  const html = await response.text();
  expect(response.status, html.slice(0, 300)).toBe(200);
  return html;
}

const destinationOf = (html: string) => /<strong class="redirect-host">([^<]*)<\/strong>/.exec(html)?.[1];

describe("the consent page names where the user is sent back", () => {
  it("shows the host of the redirect URI this authorization uses, beside the app's name", async () => {
    const app = await createApp(server.orm, organizationId, {
      name: "Acme",
      redirectUris: ["https://acme.example/callback", "https://login.other.example:8443/cb"],
    });
    const first = await consentPage(app, "https://acme.example/callback");
    expect(first).toContain("Acme wants to access your account");
    expect(destinationOf(first)).toBe("acme.example");
    const second = await consentPage(app, "https://login.other.example:8443/cb");
    expect(destinationOf(second)).toBe("login.other.example:8443");
  });

  it("shows an internationalised host in the ASCII form the browser connects to", async () => {
    const app = await createApp(server.orm, organizationId, {
      name: "Shop",
      redirectUris: ["https://xn--pypal-4ve.example/cb"], // "pаypal" with a Cyrillic а
    });
    expect(destinationOf(await consentPage(app, "https://xn--pypal-4ve.example/cb"))).toBe("xn--pypal-4ve.example");
  });

  it("shows the scheme of a private-use redirect URI", async () => {
    const app = await createApp(server.orm, organizationId, {
      name: "Mobile",
      type: "public",
      redirectUris: ["com.example.mobile:/oauth"],
      grantTypes: ["authorization_code"],
    });
    const response = await agent.get(
      authorizeUrl(app, {
        prompt: "consent",
        redirect_uri: "com.example.mobile:/oauth",
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        code_challenge_method: "S256",
      }),
    );
    const html = await response.text();
    expect(response.status, html.slice(0, 300)).toBe(200);
    expect(destinationOf(html)).toBe("com.example.mobile:");
  });
});

const CREATE = /* GraphQL */ `
  mutation ($input: CreateApplicationInput!) {
    createApplication(input: $input) {
      __typename
      ... on CreateApplicationPayload { application { id name } }
      ... on ValidationError { field message code }
    }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation ($input: UpdateApplicationInput!) {
    updateApplication(input: $input) {
      __typename
      ... on ApplicationPayload { application { name } }
      ... on ValidationError { field message code }
    }
  }
`;

async function rest(method: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const appCount = async () => Number((await sql(server, "select count(*) as n from applications"))[0]!.n);

describe("names that disguise who asks are refused", () => {
  const refused: [string, string, RegExp][] = [
    ["a right-to-left override", "lapyaP\u202Eevil", /bidirectional control characters \(U\+202E\)/],
    ["an isolate", "\u2066Acme\u2069", /bidirectional control characters \(U\+2066\)/],
    ["a zero-width space", "Pay\u200Bpal", /zero-width characters \(U\+200B\)/],
    ["a NUL byte", "Acme\u0000", /control or invisible characters \(U\+0000\)/],
    ["a Cyrillic а in a Latin word", "P\u0430ypal", /mix scripts in one word: "Pаypal" mixes Latin and Cyrillic/],
  ];

  it.each(refused)("createApplication refuses %s with a ValidationError on name", async (_what, name, message) => {
    const before = await appCount();
    const result: any = await admin.request(CREATE, {
      input: { name, type: "CONFIDENTIAL", redirectUris: ["https://acme.example/cb"] },
    });
    expect(result.createApplication).toMatchObject({ __typename: "ValidationError", field: "name" });
    expect(result.createApplication.message).toMatch(message);
    expect(await appCount()).toBe(before);
  });

  it("updateApplication refuses a disguised rename and keeps the name", async () => {
    const created: any = await admin.request(CREATE, {
      input: { name: "Paypal Helper", type: "CONFIDENTIAL", redirectUris: ["https://acme.example/cb"] },
    });
    const id = created.createApplication.application.id;
    const result: any = await admin.request(UPDATE, { input: { id, name: "P\u0430ypal Helper" } });
    expect(result.updateApplication).toMatchObject({ __typename: "ValidationError", field: "name" });
    const bidi: any = await admin.request(UPDATE, { input: { id, name: "Helper\u202E" } });
    expect(bidi.updateApplication).toMatchObject({ __typename: "ValidationError", field: "name" });
    const rows = await sql(server, "select name from applications where id = ?", [
      Buffer.from(id, "base64").toString().split(":")[1],
    ]);
    expect(rows[0]!.name).toBe("Paypal Helper");
  });

  it("still accepts a single non-Latin script and the Japanese and Korean combinations", async () => {
    for (const name of ["Почта", "LINEアプリ", "Naver지도", "Acme Почта"]) {
      const result: any = await admin.request(CREATE, {
        input: { name, type: "CONFIDENTIAL", redirectUris: ["https://acme.example/cb"] },
      });
      expect(result.createApplication.__typename, name).toBe("CreateApplicationPayload");
    }
  });

  it.each(refused)("POST /api/applications refuses %s with a 400 naming the field", async (_what, name, message) => {
    const answer = await rest("POST", "/api/applications", { name, redirectUris: ["https://acme.example/cb"] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "validation_failed", field: "name" });
    expect(answer.body.error.message).toMatch(message);
  });

  it("PUT /api/applications/:id refuses a disguised rename with a 400", async () => {
    const created = await rest("POST", "/api/applications", { name: "Rest App", redirectUris: [] });
    expect(created.status).toBe(201);
    const answer = await rest("PUT", `/api/applications/${created.body.id}`, { name: "Rest\u200DApp" });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "validation_failed", field: "name" });
  });
});
