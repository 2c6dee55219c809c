import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeCodeChallenge } from "../../../server/oauth/pkce.ts";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { postAsClient } from "../../support/oauth-client.ts";
import { authorizeInBrowser, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let key: string;

const NATIVE = "myapp://callback";
const VERIFIER = "a".repeat(43);

beforeAll(async () => {
  server = await startTestServer();
  const { organizationId } = await createUser(server.orm);
  key = await apiKeyFor(server, organizationId, ["admin"]);
});
afterAll(() => server?.stop());

/** Seed 003's create body: a web callback and a single-word private-use scheme for the mobile app. */
async function createSeedApp(): Promise<{ app: TestApp; body: any }> {
  const response = await fetch(`${server.url}/api/applications`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      name: `My App ${crypto.randomUUID()}`,
      redirectUris: ["https://myapp.example.com/callback", NATIVE],
    }),
  });
  expect(response.status).toBe(201);
  const body: any = await response.json();
  return { app: { id: body.id, clientId: body.clientId, clientSecret: body.clientSecret, organizationId: "" }, body };
}

function authorizeUrl(clientId: string, extra = "") {
  return `/oauth2/authorize?response_type=code&client_id=${clientId}&scope=identify&redirect_uri=${encodeURIComponent(NATIVE)}${extra}`;
}

describe("a single-word private-use redirect scheme (seed 003's myapp://callback, RFC 8252 §7.1)", () => {
  it("is accepted at creation, with a warning in the answer that a reverse-domain scheme is safer", async () => {
    const { body } = await createSeedApp();
    expect(body.redirectUris).toEqual(["https://myapp.example.com/callback", NATIVE]);
    expect(body.warnings).toEqual([
      expect.stringMatching(/^redirect URI "myapp:\/\/callback": .*reverse-domain scheme/),
    ]);
    const read: any = await (
      await fetch(`${server.url}/api/applications/${body.id}`, { headers: { authorization: `Bearer ${key}` } })
    ).json();
    expect(read.warnings).toHaveLength(1);
    const graphql: any = await controlPlane(server, key).request(
      `query ($clientId: String) { application(clientId: $clientId) { redirectUris { uri advice } } }`,
      { clientId: body.clientId },
    );
    const advice = Object.fromEntries(graphql.application.redirectUris.map((r: any) => [r.uri, r.advice]));
    expect(advice[NATIVE]).toMatch(/PKCE is required/);
    expect(advice["https://myapp.example.com/callback"]).toBeNull();
  });

  it("refuses schemes browsers define, such as javascript: and data:", async () => {
    for (const uri of ["javascript://callback", "data://callback", "file:///callback"]) {
      const response = await fetch(`${server.url}/api/applications`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ name: `Bad ${crypto.randomUUID()}`, redirectUris: [uri] }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error.field).toBe("redirectUris");
    }
  });

  it("needs PKCE even from a confidential app: without a challenge the redirect carries invalid_request", async () => {
    const { app } = await createSeedApp();
    const { user } = await createUser(server.orm);
    const callback = await authorizeInBrowser(new UserAgent(server.url), user, authorizeUrl(app.clientId));
    expect(`${callback.protocol}//${callback.host}${callback.pathname}`).toBe(NATIVE);
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("error_description")).toMatch(
      /code_challenge is required for a private-use scheme/,
    );
    expect(callback.searchParams.get("code")).toBeNull();
  });

  it("issues a code bound to the challenge, which only the verifier redeems", async () => {
    const { app } = await createSeedApp();
    const { user } = await createUser(server.orm);
    const pkce = `&code_challenge=${computeCodeChallenge(VERIFIER)}&code_challenge_method=S256`;
    const first = await authorizeInBrowser(new UserAgent(server.url), user, authorizeUrl(app.clientId, pkce));
    const code = first.searchParams.get("code");
    expect(code).toBeTruthy();
    const wrong = await postAsClient(server.url, "/oauth2/token", app, {
      grant_type: "authorization_code",
      code: code!,
      redirect_uri: NATIVE,
      code_verifier: "b".repeat(43),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe("invalid_grant");

    const second = await authorizeInBrowser(new UserAgent(server.url), user, authorizeUrl(app.clientId, pkce));
    const tokens = await postAsClient(server.url, "/oauth2/token", app, {
      grant_type: "authorization_code",
      code: second.searchParams.get("code")!,
      redirect_uri: NATIVE,
      code_verifier: VERIFIER,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body.access_token).toBeTruthy();
  });
});
