import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLClient } from "graphql-request";
import { decodeJwt, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveLoginProvider } from "../../../server/connections/login/resolve-login-provider.ts";
import { openString } from "../../../server/crypto/envelope.ts";
import { identityProviderSecretAad } from "../../../server/crypto/secret-aad.ts";
import { findFreePort } from "../../../server/db/embedded-postgres.ts";
import { Event, ExternalIdentity, IdentityProvider, Session, User } from "../../../server/db/entities/index.ts";
import { createIdentityProvider } from "../../../server/services/identity-providers/create-identity-provider.ts";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { addIdentityProvider } from "../../support/identity-providers.ts";
import { createApp, createUser, type TestApp, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { startUpstreamProvider, type UpstreamAccount, type UpstreamProvider } from "../../support/upstream-provider.ts";
import { location, UserAgent } from "../../support/user-agent.ts";

const GITHUB_SECRET = "gh-upstream-secret-4a7f1c9e2b";
const OIDC_SECRET = "oidc-upstream-secret-93d0c6aa1f";
const OCTO: UpstreamAccount = {
  sub: "octo",
  email: "octo@example.com",
  emailVerified: true,
  name: "Octo Cat",
  githubId: 4242,
  login: "octocat",
};

let server: TestServer;
let upstream: UpstreamProvider;
let admin: GraphQLClient;
let organizationId: string;
let githubApp: TestApp;
let oidcApp: TestApp;
let unreachableApp: TestApp;
let githubProviderId: string;
let oidcProviderId: string;
const logs: string[] = [];
/** Every token the double handed out, to prove none of them reaches a log line or a table. */
const issuedTokens: string[] = [];
/** When set, the double's token endpoint answers an id_token with this claim changed (a misbehaving provider). */
let tamper: { claim: "iss" | "aud" | "nonce"; value: string } | undefined;
let relay: { url: string; close: () => Promise<void> };
/** Password users whose addresses the upstream knows, verified or not. */
let verifiedOwner: TestUser;
let unverifiedOwner: TestUser;
const HTML_VICTIM: UpstreamAccount = { sub: "html-victim", email: "html-victim@example.com", githubId: 5003 };
const OIDC_PERSON: UpstreamAccount = { sub: "oidc-person", email: "oidc-person@example.com", emailVerified: true };
const TAMPERED: UpstreamAccount[] = ["iss", "aud", "nonce"].map((claim) => ({
  sub: `tampered-${claim}`,
  email: `tampered-${claim}@example.com`,
  emailVerified: true,
}));
/** Claims an address upstream without verifying it (GitHub subject 6001), before its owner signs in (OIDC, verified). */
const SQUATTER: UpstreamAccount = {
  sub: "squatter",
  email: "target@example.com",
  emailVerified: false,
  githubId: 6001,
};
const TARGET: UpstreamAccount = { sub: "target", email: "target@example.com", emailVerified: true };
const account = (sub: string) => [OCTO, HTML_VICTIM, OIDC_PERSON, ...TAMPERED].find((a) => a.sub === sub)!;

const em = () => server.orm.em.fork();
const events = (type: string) => em().find(Event, { type }, { orderBy: { createdAt: "asc", id: "asc" } });

function createProvider(app: TestApp, input: Record<string, unknown>): Promise<string> {
  return addIdentityProvider(admin, app.id, input);
}

function authorizePath(app: TestApp): string {
  const challenge = createHash("sha256").update(randomBytes(32).toString("base64url")).digest("base64url");
  return `/oauth2/authorize?${new URLSearchParams({
    response_type: "code",
    client_id: app.clientId,
    redirect_uri: "http://127.0.0.1:8787/callback",
    scope: "identify email",
    state: randomBytes(8).toString("hex"),
    code_challenge: challenge,
    code_challenge_method: "S256",
  })}`;
}

/** authorize → login page → "Continue with <label>": the start route's redirect to the upstream. */
async function startSignIn(
  agent: UserAgent,
  app: TestApp,
  label: string,
): Promise<{ upstreamUrl: URL; returnTo: string }> {
  const authorize = await agent.get(authorizePath(app));
  expect(authorize.status).toBe(302);
  const login = await agent.get(location(authorize));
  const html = await login.text();
  const href = html.match(new RegExp(`<a class="button secondary" href="([^"]+)">Continue with ${label}</a>`))?.[1];
  expect(href, `a "Continue with ${label}" button`).toBeDefined();
  const start = await agent.get(href!.replace(/&amp;/g, "&"));
  expect(start.status, await start.clone().text()).toBe(302);
  return {
    upstreamUrl: new URL(location(start)),
    returnTo: new URL(location(authorize), server.url).searchParams.get("return_to")!,
  };
}

/** The person's browser at the upstream: follows its redirects (auto sign-in) back to Latch's callback URL. */
async function atUpstream(url: URL): Promise<string> {
  const cookies: string[] = [];
  let next = url.toString();
  for (let hop = 0; hop < 8; hop++) {
    if (next.startsWith(`${server.url}/oauth/callback`)) return next;
    const response = await fetch(next, { redirect: "manual", headers: { cookie: cookies.join("; ") } });
    for (const c of response.headers.getSetCookie()) cookies.push(c.split(";")[0]!);
    next = new URL(response.headers.get("location") ?? "", next).toString();
  }
  throw new Error("the upstream never redirected back");
}

/** The whole round trip; returns Latch's answer to the callback. */
async function signInThrough(agent: UserAgent, app: TestApp, label: string) {
  const { upstreamUrl, returnTo } = await startSignIn(agent, app, label);
  const callbackUrl = await atUpstream(upstreamUrl);
  const response = await agent.get(callbackUrl);
  return { response, returnTo, upstreamUrl, callbackUrl };
}

async function expectConsent(agent: UserAgent, response: Response, returnTo: string, app: TestApp): Promise<void> {
  expect(response.status).toBe(303);
  expect(location(response)).toBe(returnTo);
  const consent = await agent.get(location(response));
  expect(consent.status).toBe(200);
  const html = await consent.text();
  expect(html).toContain('name="request_id"');
  expect(html).toContain(app.clientId === githubApp.clientId ? "GitHub App" : "OIDC App");
}

/**
 * The provider's token endpoint as Latch reaches it: passes every request through to the double, keeps the tokens it
 * hands out, and when {@link tamper} is set re-issues the id_token with one claim changed (a misbehaving provider).
 */
async function startTokenRelay(): Promise<{ url: string; close: () => Promise<void> }> {
  const resign = await generateKeyPair("ES256");
  const relay = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const answer = await fetch(upstream.endpoints.token, {
      method: "POST",
      headers: {
        "content-type": request.headers["content-type"] ?? "",
        ...(request.headers.authorization && { authorization: request.headers.authorization }),
      },
      body: Buffer.concat(chunks),
    });
    const type = answer.headers.get("content-type") ?? "";
    let text = await answer.text();
    if (type.includes("json")) {
      const body = JSON.parse(text) as Record<string, unknown>;
      for (const key of ["access_token", "refresh_token", "id_token"]) {
        if (typeof body[key] === "string") issuedTokens.push(body[key] as string);
      }
      if (tamper && typeof body.id_token === "string") {
        const claims = { ...decodeJwt(body.id_token), [tamper.claim]: tamper.value };
        body.id_token = await new SignJWT(claims)
          .setProtectedHeader({ alg: "ES256", kid: "upstream-es256" })
          .sign(resign.privateKey);
      }
      text = JSON.stringify(body);
    }
    response.writeHead(answer.status, { "content-type": type, "cache-control": "no-store" }).end(text);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}/token`,
    close: () => new Promise<void>((resolve) => relay.close(() => resolve())),
  };
}

beforeAll(async () => {
  // The double stands in for github.com at overridden endpoints: this file trusts its verified emails on purpose
  // (upstream-login-trust.test.ts covers the default, which does not).
  server = await startTestServer({ logs, env: { LATCH_TRUST_CUSTOM_PROVIDER_EMAILS: "true" } });
  ({ organizationId } = await createUser(server.orm));
  verifiedOwner = (await createUser(server.orm)).user;
  unverifiedOwner = (await createUser(server.orm)).user;
  upstream = await startUpstreamProvider({
    clients: [
      { clientId: "latch-github", clientSecret: GITHUB_SECRET, redirectUris: [`${server.url}/oauth/callback`] },
      { clientId: "latch-oidc", clientSecret: OIDC_SECRET, redirectUris: [`${server.url}/oauth/callback`] },
    ],
    accounts: [
      OCTO,
      { sub: "pw-verified", email: verifiedOwner.email, emailVerified: true, githubId: 5001, login: "verified" },
      { sub: "pw-unverified", email: unverifiedOwner.email, emailVerified: false, githubId: 5002, login: "unverified" },
      HTML_VICTIM,
      OIDC_PERSON,
      SQUATTER,
      TARGET,
      ...TAMPERED,
    ],
  });
  relay = await startTokenRelay();
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
  githubApp = await createApp(server.orm, organizationId, { name: "GitHub App" });
  oidcApp = await createApp(server.orm, organizationId, { name: "OIDC App" });
  unreachableApp = await createApp(server.orm, organizationId, { name: "Dead App" });
  // Loopback http endpoints are accepted outside production: the double stands in for github.com.
  githubProviderId = await createProvider(githubApp, {
    kind: "GITHUB",
    clientId: "latch-github",
    clientSecret: GITHUB_SECRET,
    authorizationEndpoint: upstream.endpoints.authorization,
    tokenEndpoint: relay.url,
    userinfoEndpoint: upstream.endpoints.githubUser,
  });
  oidcProviderId = await createProvider(oidcApp, {
    kind: "OIDC",
    displayName: "Acme SSO",
    clientId: "latch-oidc",
    clientSecret: OIDC_SECRET,
    issuer: upstream.issuer,
    // Discovery supplies the rest; the token endpoint is overridden to pass through the relay.
    tokenEndpoint: relay.url,
  });
  await createProvider(unreachableApp, {
    kind: "GITHUB",
    clientId: "off",
    clientSecret: GITHUB_SECRET,
    enabled: false,
  });
  await createProvider(unreachableApp, {
    kind: "OIDC",
    displayName: "Gone SSO",
    clientId: "latch-oidc",
    clientSecret: OIDC_SECRET,
    issuer: `http://127.0.0.1:${await findFreePort()}`,
  });
}, 60_000);

afterAll(async () => {
  await relay?.close();
  await upstream?.close();
  await server?.stop();
});

describe("sign-in through an app's identity provider", () => {
  it("lists the app's enabled providers on its login page, and only there", async () => {
    const agent = new UserAgent(server.url);
    const login = await agent.get(location(await agent.get(authorizePath(oidcApp))));
    const html = await login.text();
    expect(html).toContain(`href="/login/providers/${oidcProviderId}/start?return_to=`);
    expect(html).toContain("Continue with Acme SSO");
    expect(html).not.toContain("Continue with GitHub");
    expect(await (await agent.get("/login")).text()).not.toContain("Continue with");
    // Another app's provider cannot be started from this app's authorization request.
    const returnTo = new URL(location(await agent.get(authorizePath(oidcApp))), server.url).searchParams.get(
      "return_to",
    )!;
    const crossed = await agent.get(
      `/login/providers/${githubProviderId}/start?return_to=${encodeURIComponent(returnTo)}`,
    );
    expect(crossed.status).toBe(404);
    expect(await crossed.text()).toContain("This sign-in option isn&#39;t available");
  });

  it("creates the user on a first GitHub sign-in and lands on the app's consent page", async () => {
    upstream.currentAccount = OCTO;
    const agent = new UserAgent(server.url);
    const { response, returnTo, upstreamUrl } = await signInThrough(agent, githubApp, "GitHub");
    expect(Object.fromEntries(upstreamUrl.searchParams)).toMatchObject({
      client_id: "latch-github",
      redirect_uri: `${server.url}/oauth/callback`,
      response_type: "code",
      scope: "read:user user:email",
      code_challenge_method: "S256",
      state: expect.any(String),
      code_challenge: expect.any(String),
    });
    expect(upstreamUrl.searchParams.has("nonce")).toBe(false);
    await expectConsent(agent, response, returnTo, githubApp);

    const user = await em().findOneOrFail(User, { emailNormalized: "octo@example.com" });
    expect(user).toMatchObject({ emailVerified: true, passwordHash: null, displayName: "Octo Cat" });
    const identity = await em().findOneOrFail(ExternalIdentity, { subject: "4242" });
    expect(identity).toMatchObject({ kind: "github", issuer: upstream.issuer, email: "octo@example.com" });
    expect(identity.user.id).toBe(user.id);
    expect((await em().find(Session, { user: user.id }))[0]?.authMethod).toBe("github");
    expect((await events("user.created")).at(-1)).toMatchObject({
      subjectId: user.id,
      organizationId,
      payload: { method: "upstream", kind: "github", identityProviderId: githubProviderId },
    });
    expect((await events("user.signed_in")).at(-1)).toMatchObject({
      subjectId: user.id,
      payload: { method: "upstream", kind: "github" },
    });
  });

  it("reuses the linked user on the next sign-in", async () => {
    upstream.currentAccount = OCTO;
    const before = await em().count(User, {});
    const agent = new UserAgent(server.url);
    const { response, returnTo } = await signInThrough(agent, githubApp, "GitHub");
    await expectConsent(agent, response, returnTo, githubApp);
    expect(await em().count(User, {})).toBe(before);
    expect(await em().count(ExternalIdentity, { subject: "4242" })).toBe(1);
    const user = await em().findOneOrFail(User, { emailNormalized: "octo@example.com" });
    expect(await em().count(Session, { user: user.id })).toBe(2);
  });

  it("completes either of two sign-ins started in two tabs of one browser", async () => {
    upstream.currentAccount = OCTO;
    const agent = new UserAgent(server.url);
    const first = await startSignIn(agent, githubApp, "GitHub");
    const second = await startSignIn(agent, githubApp, "GitHub");
    // The second start reused the browser's binding instead of replacing it, so the first tab's callback still works.
    const response = await agent.get(await atUpstream(first.upstreamUrl));
    await expectConsent(agent, response, first.returnTo, githubApp);
    const again = await agent.get(await atUpstream(second.upstreamUrl));
    await expectConsent(agent, again, second.returnTo, githubApp);
  });

  it("links an existing password user whose email the upstream verified", async () => {
    const existing = verifiedOwner;
    upstream.currentAccount = { sub: "pw-verified", email: existing.email, emailVerified: true, githubId: 5001 };
    const before = await em().count(User, {});
    const agent = new UserAgent(server.url);
    const { response, returnTo } = await signInThrough(agent, githubApp, "GitHub");
    await expectConsent(agent, response, returnTo, githubApp);
    expect(await em().count(User, {})).toBe(before);
    const identity = await em().findOneOrFail(ExternalIdentity, { subject: "5001" });
    expect(identity.user.id).toBe(existing.id);
    expect((await events("user.signed_in")).at(-1)).toMatchObject({
      subjectId: existing.id,
      payload: { linked: true },
    });
  });

  it("never links an existing user on an unverified email", async () => {
    const existing = unverifiedOwner;
    upstream.currentAccount = { sub: "pw-unverified", email: existing.email, emailVerified: false, githubId: 5002 };
    const agent = new UserAgent(server.url);
    const { response } = await signInThrough(agent, githubApp, "GitHub");
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("isn&#39;t verified");
    expect(response.headers.getSetCookie().join()).not.toContain("latch_session");
    expect(await em().count(ExternalIdentity, { subject: "5002" })).toBe(0);
    expect(await em().count(Session, { user: existing.id })).toBe(0);
    expect((await events("user.login_failed")).at(-1)).toMatchObject({
      payload: {
        method: "upstream",
        identityProviderId: githubProviderId,
        kind: "github",
        reason: "email_not_verified",
      },
    });
  });

  it("shows a readable page when the person declines upstream (error=access_denied)", async () => {
    const agent = new UserAgent(server.url);
    const { upstreamUrl } = await startSignIn(agent, githubApp, "GitHub");
    const state = upstreamUrl.searchParams.get("state")!;
    const response = await agent.get(
      `/oauth/callback?error=access_denied&error_description=The+user+denied&state=${encodeURIComponent(state)}`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("Sign-in with GitHub was cancelled");
    expect((await events("user.login_failed")).at(-1)).toMatchObject({
      payload: { reason: "upstream_error", upstreamError: "access_denied", identityProviderId: githubProviderId },
    });
  });

  it("fails cleanly when the token endpoint answers HTML: a page, an event, no user", async () => {
    upstream.currentAccount = HTML_VICTIM;
    upstream.tokenFailure = { kind: "html" };
    try {
      const agent = new UserAgent(server.url);
      const { response } = await signInThrough(agent, githubApp, "GitHub");
      expect(response.status).toBe(502);
      const html = await response.text();
      expect(html).toContain("We couldn&#39;t sign you in with GitHub");
      expect(html).not.toContain("502 Bad Gateway");
      expect(await em().count(User, { emailNormalized: "html-victim@example.com" })).toBe(0);
      expect((await events("user.login_failed")).at(-1)).toMatchObject({
        payload: { reason: "upstream_bad_response", kind: "github" },
      });
      expect(logs.some((line) => line.includes('"code":"upstream_bad_response"'))).toBe(true);
    } finally {
      upstream.tokenFailure = undefined;
    }
  });

  it("rejects a replayed callback URL with a readable page and upstream.callback_rejected", async () => {
    upstream.currentAccount = OCTO;
    const agent = new UserAgent(server.url);
    const { response, callbackUrl } = await signInThrough(agent, githubApp, "GitHub");
    expect(response.status).toBe(303);
    const rejectedBefore = (await events("upstream.callback_rejected")).length;
    const replay = await agent.get(callbackUrl);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("This sign-in link can&#39;t be used");
    expect(await events("upstream.callback_rejected")).toHaveLength(rejectedBefore + 1);
  });

  it("signs in through an OpenID provider with a nonce, from discovery", async () => {
    upstream.currentAccount = OIDC_PERSON;
    const agent = new UserAgent(server.url);
    const { response, returnTo, upstreamUrl } = await signInThrough(agent, oidcApp, "Acme SSO");
    expect(upstreamUrl.origin + upstreamUrl.pathname).toBe(upstream.endpoints.authorization);
    expect(upstreamUrl.searchParams.get("nonce")).toEqual(expect.any(String));
    expect(upstreamUrl.searchParams.get("scope")).toBe("openid email profile");
    await expectConsent(agent, response, returnTo, oidcApp);
    const identity = await em().findOneOrFail(ExternalIdentity, { subject: "oidc-person" });
    expect(identity).toMatchObject({ kind: "oidc", issuer: upstream.issuer, email: "oidc-person@example.com" });
  });

  it("does not hand an account created from an unverified address to a later verified sign-in", async () => {
    upstream.currentAccount = SQUATTER;
    const first = await signInThrough(new UserAgent(server.url), githubApp, "GitHub");
    expect(first.response.status).toBe(303);
    const squatted = await em().findOneOrFail(User, { emailNormalized: "target@example.com" });
    expect(squatted.emailVerified).toBe(false);

    upstream.currentAccount = TARGET;
    const agent = new UserAgent(server.url);
    const { response } = await signInThrough(agent, oidcApp, "Acme SSO");
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("was never verified");
    expect(await em().count(ExternalIdentity, { subject: "target" })).toBe(0);
    expect((await events("user.login_failed")).at(-1)).toMatchObject({
      payload: { reason: "account_email_unverified", kind: "oidc" },
    });
  });

  it.each([
    ["issuer", { claim: "iss", value: "https://impostor.example.com" }],
    ["audience", { claim: "aud", value: "someone-else" }],
    ["nonce", { claim: "nonce", value: "not-the-flow-nonce" }],
  ] as const)("refuses an id_token with a wrong %s", async (_name, change) => {
    upstream.currentAccount = account(`tampered-${change.claim}`);
    const email = upstream.currentAccount.email;
    tamper = change;
    try {
      const agent = new UserAgent(server.url);
      const { response } = await signInThrough(agent, oidcApp, "Acme SSO");
      expect(response.status).toBe(502);
      expect(await response.text()).toContain("We couldn&#39;t sign you in with Acme SSO");
      expect(response.headers.getSetCookie().join()).not.toContain("latch_session");
      expect(await em().count(User, { emailNormalized: email })).toBe(0);
      expect(await em().count(ExternalIdentity, { subject: `tampered-${change.claim}` })).toBe(0);
      expect((await events("user.login_failed")).at(-1)).toMatchObject({
        payload: { reason: "upstream_id_token_invalid", identityProviderId: oidcProviderId, kind: "oidc" },
      });
    } finally {
      tamper = undefined;
    }
  });

  it("shows a readable page when the provider's issuer cannot be reached", async () => {
    const agent = new UserAgent(server.url);
    const login = await agent.get(location(await agent.get(authorizePath(unreachableApp))));
    const page = await login.text();
    expect(page, "a disabled provider is not offered").not.toContain("Continue with GitHub");
    const href = page.match(/href="([^"]+)">Continue with Gone SSO/)?.[1];
    const response = await agent.get(href!.replace(/&amp;/g, "&"));
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("We couldn&#39;t sign you in with Gone SSO");
    expect((await events("user.login_failed")).at(-1)).toMatchObject({
      payload: { reason: "upstream_unreachable", kind: "oidc" },
    });
    expect(logs.some((line) => line.includes('"code":"upstream_unreachable"'))).toBe(true);
  });

  it("admits loopback http providers only outside production, at write time and at sign-in", async () => {
    const row = await em().findOneOrFail(IdentityProvider, { id: oidcProviderId });
    await expect(
      createIdentityProvider(
        em(),
        server.keyring,
        {
          applicationId: oidcApp.id,
          organizationId,
          kind: "oidc",
          clientId: "latch-oidc",
          clientSecret: OIDC_SECRET,
          issuer: upstream.issuer,
          actor: { type: "system" },
          urlPolicy: { production: true },
        },
        new Date(),
      ),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED", field: "issuer" });
    await expect(
      resolveLoginProvider(row, { production: true, network: { allowPrivate: true } }),
    ).rejects.toMatchObject({
      code: "upstream_misconfigured",
    });
    await expect(
      resolveLoginProvider(row, { production: false, network: { allowPrivate: true } }),
    ).resolves.toMatchObject({
      oidc: true,
      as: { issuer: upstream.issuer, token_endpoint: relay.url },
    });
  });

  it("keeps provider secrets sealed at rest and out of logs, with no upstream token anywhere", async () => {
    const rows = await em()
      .getConnection()
      .execute<{ id: string; client_secret_encrypted: string }[]>(
        "select id, client_secret_encrypted from identity_providers",
      );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect(row.client_secret_encrypted).not.toContain(GITHUB_SECRET);
      expect(row.client_secret_encrypted).not.toContain(OIDC_SECRET);
      expect([GITHUB_SECRET, OIDC_SECRET]).toContain(
        openString(server.keyring, row.client_secret_encrypted, identityProviderSecretAad(row.id)),
      );
    }
    expect(issuedTokens.length).toBeGreaterThan(5);
    const tables = await em()
      .getConnection()
      .execute<{ dump: string }[]>(
        `select (select coalesce(json_agg(e), '[]')::text from external_identities e)
           || (select coalesce(json_agg(f), '[]')::text from upstream_flows f)
           || (select coalesce(json_agg(v), '[]')::text from events v) as dump`,
      );
    const logText = logs.join("\n");
    expect(logText).toContain("upstream sign-in");
    for (const secret of [GITHUB_SECRET, OIDC_SECRET, ...issuedTokens]) {
      expect(logText).not.toContain(secret);
      expect(tables[0]!.dump).not.toContain(secret);
    }
    expect(await em().count(IdentityProvider, {})).toBe(rows.length);
  });
});
