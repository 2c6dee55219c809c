import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basic } from "../../support/oauth-client.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";

const REDIRECT = "http://127.0.0.1:9/oauth/callback";

let upstream: UpstreamProvider;
beforeAll(async () => {
  upstream = await startUpstreamProvider({
    clients: [
      { clientId: "web", clientSecret: "web-secret-0123456789", redirectUris: [REDIRECT] },
      { clientId: "svc", clientSecret: "svc-secret-0123456789", grantTypes: ["client_credentials", "password"] },
    ],
    passwordUsers: { robot: "hunter22" },
  });
});
afterAll(() => upstream?.close());

async function token(
  body: Record<string, string>,
  client: readonly [string, string] = ["svc", "svc-secret-0123456789"],
) {
  const response = await fetch(upstream.endpoints.token, {
    method: "POST",
    headers: { authorization: basic(client[0], client[1]), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The test double itself: the flows the connection tests rely on behave like a real provider's. */
describe("upstream provider test double", () => {
  it("issues client_credentials and password tokens, refuses a wrong password, and counts requests", async () => {
    expect((await token({ grant_type: "client_credentials", scope: "files.read" })).body.access_token).toEqual(
      expect.any(String),
    );
    expect((await token({ grant_type: "password", username: "robot", password: "hunter22" })).status).toBe(200);
    const wrong = await token({ grant_type: "password", username: "robot", password: "nope" });
    expect(wrong).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(upstream.tokenRequests.get("password")).toBe(2);
  });

  it("signs the account in at once on the authorization code flow and serves the GitHub-shaped API", async () => {
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const auth = new URL(upstream.endpoints.authorization);
    auth.search = new URLSearchParams({
      client_id: "web",
      response_type: "code",
      redirect_uri: REDIRECT,
      scope: "read:user user:email",
      state: "s1",
      code_challenge: challenge,
      code_challenge_method: "S256",
    }).toString();
    let url = auth.toString();
    const cookies: string[] = [];
    let location = "";
    for (let hop = 0; hop < 6; hop++) {
      const response = await fetch(url, { redirect: "manual", headers: { cookie: cookies.join("; ") } });
      for (const c of response.headers.getSetCookie()) cookies.push(c.split(";")[0]!);
      location = new URL(response.headers.get("location") ?? "", url).toString();
      if (location.startsWith(REDIRECT)) break;
      url = location;
    }
    const code = new URL(location).searchParams.get("code");
    expect(code).toEqual(expect.any(String));
    const exchanged = await token(
      { grant_type: "authorization_code", code: code!, redirect_uri: REDIRECT, code_verifier: verifier },
      ["web", "web-secret-0123456789"],
    );
    expect(exchanged.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String) });
    const user = await fetch(upstream.endpoints.githubUser, {
      headers: { authorization: `Bearer ${exchanged.body.access_token}` },
    });
    expect(await user.json()).toMatchObject({ id: 4242, login: "octocat" });
    const emails = await fetch(`${upstream.endpoints.githubUser}/emails`, {
      headers: { authorization: `Bearer ${exchanged.body.access_token}` },
    });
    expect(await emails.json()).toEqual([expect.objectContaining({ email: "octo@example.com", verified: true })]);
  });
});
