import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event, Session } from "../../../server/db/entities/index.ts";
import {
  type CodeFlowRequest,
  codeFlowRequest,
  discoverLatch,
  redeemCallback,
} from "../../support/code-flow-client.ts";
import { apiKeyFor, controlPlane, globalId } from "../../support/control-plane.ts";
import { addIdentityProvider } from "../../support/identity-providers.ts";
import { createApp, createUser, REDIRECT, type TestApp, type TestUser } from "../../support/oauth-fixtures.ts";
import { codeFor, codeStep, enrolled } from "../../support/second-factor.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { startUpstreamProvider, type UpstreamAccount, type UpstreamProvider } from "../../support/upstream-provider.ts";
import { hiddenField, location, UserAgent } from "../../support/user-agent.ts";

const SECRET = "oidc-upstream-secret-5b1e07c2d9";
const NEW_PERSON = "new-upstream-person@example.com";

let server: TestServer;
let upstream: UpstreamProvider;
let as: oauth.AuthorizationServer;
let app: TestApp;
let providerId: string;
/** A user with an authenticator app, and an owner whose organization requires MFA of its admins (no factor yet). */
let withApp: Awaited<ReturnType<typeof enrolled>>;
let owner: TestUser;

/** The upstream account carrying `email` (verified): the double must know its accounts from the start. */
const upstreamAccount = (email: string): UpstreamAccount => ({
  sub: `sub-${email}`,
  email,
  emailVerified: true,
  name: "Upstream Person",
});

beforeAll(async () => {
  // This file links upstream accounts to password accounts by their verified address on purpose.
  server = await startTestServer({ env: { LATCH_TRUST_CUSTOM_PROVIDER_EMAILS: "true" } });
  withApp = await enrolled(server);
  const policed = await createUser(server.orm);
  owner = policed.user;
  await controlPlane(server, await apiKeyFor(server, policed.organizationId)).request(
    `mutation ($id: ID!) { updateOrganization(id: $id, requireMfaForAdmins: true) {
      ... on OrganizationPayload { organization { requireMfaForAdmins } } } }`,
    { id: globalId("Organization", policed.organizationId) },
  );
  upstream = await startUpstreamProvider({
    clients: [{ clientId: "latch-oidc", clientSecret: SECRET, redirectUris: [`${server.url}/oauth/callback`] }],
    accounts: [NEW_PERSON, withApp.user.email, owner.email].map(upstreamAccount),
  });
  const { organizationId } = await createUser(server.orm);
  app = await createApp(server.orm, organizationId, { name: "SSO App" });
  const admin = controlPlane(server, await apiKeyFor(server, organizationId));
  providerId = await addIdentityProvider(admin, app.id, {
    kind: "OIDC",
    displayName: "Acme SSO",
    clientId: "latch-oidc",
    clientSecret: SECRET,
    issuer: upstream.issuer,
  });
  as = await discoverLatch(server.url);
}, 60_000);

afterAll(async () => {
  await upstream?.close();
  await server?.stop();
});

/** authorize → login page → "Continue with Acme SSO" → the upstream (auto sign-in) → Latch's callback answer. */
async function signInUpstream(
  agent: UserAgent,
  email: string,
  extra: Record<string, string> = {},
): Promise<{ made: CodeFlowRequest; response: Response }> {
  upstream.currentAccount = upstreamAccount(email);
  const plain = await codeFlowRequest(as, { clientId: app.clientId, redirectUri: REDIRECT, scope: "openid" });
  const url = new URL(plain.url);
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  const made = { ...plain, url: url.toString() };
  const login = await agent.get(location(await agent.get(made.url)));
  const href = (await login.text()).match(/href="(\/login\/providers\/[^"]+)">Continue with Acme SSO/)![1]!;
  let next = location(await agent.get(href.replace(/&amp;/g, "&")));
  const cookies: string[] = [];
  for (let hop = 0; hop < 8 && !next.startsWith(`${server.url}/oauth/callback`); hop++) {
    const response = await fetch(next, { redirect: "manual", headers: { cookie: cookies.join("; ") } });
    for (const c of response.headers.getSetCookie()) cookies.push(c.split(";")[0]!);
    next = new URL(response.headers.get("location") ?? "", next).toString();
  }
  const response = await agent.get(next);
  return { made, response };
}

/** From a response continuing the authorization request: consent, then the ID token's claims. */
async function idTokenAfter(agent: UserAgent, made: CodeFlowRequest, response: Response) {
  expect(response.status).toBe(303);
  let answer = await agent.get(location(response));
  if (answer.status === 200) {
    const consent = await answer.text();
    answer = await agent.post("/oauth2/authorize/decision", {
      request_id: hiddenField(consent, "request_id"),
      csrf_token: hiddenField(consent, "csrf_token"),
      decision: "allow",
    });
  }
  const tokens = await redeemCallback(as, app, new URL(location(answer)), made, REDIRECT, { idToken: true });
  return oauth.getValidatedIdTokenClaims(tokens)!;
}

describe("sign-in through an identity provider and the second factor", () => {
  it("signs an account without a second factor straight in, with amr fed and the single-factor acr", async () => {
    const agent = new UserAgent(server.url);
    const { made, response } = await signInUpstream(agent, NEW_PERSON);
    const claims = await idTokenAfter(agent, made, response);
    expect(claims.amr).toEqual(["fed"]);
    expect(claims.acr).toBe("urn:latch:acr:sfa");
  });

  it("asks an account with an authenticator app for a code before any session exists", async () => {
    const { user, secret } = withApp;
    const agent = new UserAgent(server.url);
    const { made, response } = await signInUpstream(agent, user.email);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Enter the 6-digit code from your authenticator app");
    expect(agent.cookies.has("latch_session")).toBe(false);
    expect(await server.orm.em.fork().count(Session, { user: user.id, authMethod: "oidc" })).toBe(0);

    const wrong = await codeStep(agent, html, String((Number(codeFor(secret, 1)) + 1) % 1_000_000).padStart(6, "0"));
    expect(wrong.status).toBe(401);
    expect(agent.cookies.has("latch_session")).toBe(false);
    const done = await codeStep(agent, await wrong.text(), codeFor(secret, 1));
    const claims = await idTokenAfter(agent, made, done);
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(["fed", "otp", "mfa"]);
    expect(claims.acr).toBe("urn:latch:acr:mfa");

    const em = server.orm.em.fork();
    const sessions = await em.find(Session, { user: user.id, authMethod: "oidc" });
    expect(sessions.map((s) => s.secondFactor)).toEqual(["totp"]);
    const [signedIn] = await em.find(Event, { type: "user.signed_in", subjectId: user.id, applicationId: app.id });
    expect(signedIn?.payload).toMatchObject({
      method: "upstream",
      kind: "oidc",
      identityProviderId: providerId,
      secondFactor: "totp",
      sessionId: sessions[0]!.id,
    });
  });

  it("has an owner whose organization requires MFA for admins set up an app first, then signs them in", async () => {
    const agent = new UserAgent(server.url);
    const { made, response } = await signInUpstream(agent, owner.email);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Set up two-step verification");
    expect(agent.cookies.has("latch_session")).toBe(false);
    const secret = html.match(/data-testid="totp-secret">([A-Z2-7 ]+)</)![1]!.replace(/ /g, "");
    const done = await codeStep(agent, html, codeFor(secret));
    expect(done.status).toBe(200);
    const page = await done.text();
    expect(page.match(/<li><code>[0-9a-z]{5}-[0-9a-z]{5}<\/code><\/li>/g)).toHaveLength(10);
    const continueHref = page.match(/href="(\/oauth2\/authorize\?[^"]+)"/)![1]!.replace(/&amp;/g, "&");
    const claims = await idTokenAfter(
      agent,
      made,
      new Response(null, { status: 303, headers: { location: continueHref } }),
    );
    expect(claims.amr).toEqual(["fed", "otp", "mfa"]);
    expect(await server.orm.em.fork().count(Event, { type: "user.mfa_enrolled", subjectId: owner.id })).toBe(1);
  });

  it("prompt=login through an identity provider asks the provider for prompt=login too, and auth_time is fresh", async () => {
    const agent = new UserAgent(server.url);
    const signedIn = await signInUpstream(agent, NEW_PERSON);
    const first = await idTokenAfter(agent, signedIn.made, signedIn.response);
    expect(upstream.authorizeRequests.at(-1)?.get("prompt")).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { made, response } = await signInUpstream(agent, NEW_PERSON, { prompt: "login" });
    expect(upstream.authorizeRequests.at(-1)?.get("prompt")).toBe("login");
    const claims = await idTokenAfter(agent, made, response);
    expect(claims.auth_time).toBeGreaterThan(first.auth_time as number);
    expect(claims.amr).toEqual(["fed"]);
  });
});
