import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExternalIdentity, User } from "../../../server/db/entities/index.ts";
import { createIdentityProvider } from "../../../server/services/identity-providers/create-identity-provider.ts";
import { createApp, createUser, type TestApp, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";
import { location, UserAgent } from "../../support/user-agent.ts";

/**
 * The default trust rule: a provider an organization configured itself (here "GitHub" at overridden endpoints, the
 * test double) cannot vouch for an email address. Users are shared by every organization, so taking its word would
 * let that organization's admin sign in as anyone.
 */
const SECRET = "gh-upstream-secret-trust-0042";
let server: TestServer;
let upstream: UpstreamProvider;
let app: TestApp;
let owner: TestUser;
let providerId: string;

beforeAll(async () => {
  server = await startTestServer();
  const { organizationId, user } = await createUser(server.orm);
  owner = user;
  app = await createApp(server.orm, organizationId, { name: "Trust App" });
  upstream = await startUpstreamProvider({
    clients: [{ clientId: "latch-gh", clientSecret: SECRET, redirectUris: [`${server.url}/oauth/callback`] }],
    accounts: [
      { sub: "claims-owner", email: owner.email, emailVerified: true, githubId: 7001, login: "claims-owner" },
      { sub: "newcomer", email: "newcomer@example.com", emailVerified: true, githubId: 7002, login: "newcomer" },
    ],
  });
  const provider = await createIdentityProvider(
    server.orm.em,
    server.keyring,
    {
      applicationId: app.id,
      organizationId,
      kind: "github",
      clientId: "latch-gh",
      clientSecret: SECRET,
      authorizationEndpoint: upstream.endpoints.authorization,
      tokenEndpoint: upstream.endpoints.token,
      userinfoEndpoint: upstream.endpoints.githubUser,
      actor: { type: "system" },
      urlPolicy: { production: false },
    },
    new Date(),
  );
  providerId = provider.id;
}, 60_000);

afterAll(async () => {
  await upstream?.close();
  await server?.stop();
});

/** start → the double (auto sign-in) → Latch's callback; returns Latch's answer to the callback. */
async function signIn(agent: UserAgent): Promise<Response> {
  const challenge = createHash("sha256").update(randomBytes(32).toString("base64url")).digest("base64url");
  const returnTo = `/oauth2/authorize?${new URLSearchParams({
    response_type: "code",
    client_id: app.clientId,
    redirect_uri: "http://127.0.0.1:8787/callback",
    scope: "identify",
    code_challenge: challenge,
    code_challenge_method: "S256",
  })}`;
  const start = await agent.get(`/login/providers/${providerId}/start?return_to=${encodeURIComponent(returnTo)}`);
  expect(start.status).toBe(302);
  let next = location(start);
  const cookies: string[] = [];
  for (let hop = 0; hop < 8 && !next.startsWith(`${server.url}/oauth/callback`); hop++) {
    const response = await fetch(next, { redirect: "manual", headers: { cookie: cookies.join("; ") } });
    for (const c of response.headers.getSetCookie()) cookies.push(c.split(";")[0]!);
    next = new URL(response.headers.get("location") ?? "", next).toString();
  }
  return agent.get(next);
}

describe("email trust of an organization's own providers", () => {
  it("never links an existing account on the word of a custom provider, however verified it says the email is", async () => {
    upstream.currentAccount = { sub: "claims-owner", email: owner.email, emailVerified: true, githubId: 7001 };
    const response = await signIn(new UserAgent(server.url));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("verify the address");
    expect(response.headers.getSetCookie().join(";")).not.toMatch(/latch_session=[^;]/);
    expect(await server.orm.em.fork().count(ExternalIdentity, { user: owner.id })).toBe(0);
  });

  it("creates a new account from it with the address unverified, so a trusted provider cannot be linked into it later", async () => {
    upstream.currentAccount = { sub: "newcomer", email: "newcomer@example.com", emailVerified: true, githubId: 7002 };
    const response = await signIn(new UserAgent(server.url));
    expect(response.status).toBe(303);
    const user = await server.orm.em.fork().findOneOrFail(User, { emailNormalized: "newcomer@example.com" });
    expect(user.emailVerified).toBe(false);
  });
});
