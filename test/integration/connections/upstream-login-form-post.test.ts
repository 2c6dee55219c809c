import { createHash, randomBytes } from "node:crypto";
import { exportPKCS8, generateKeyPair, type JWTPayload, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event, ExternalIdentity, User } from "../../../server/db/entities/index.ts";
import { apiKeyFor, controlPlane } from "../../support/control-plane.ts";
import { addIdentityProvider } from "../../support/identity-providers.ts";
import { createApp, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { startUpstreamProvider, type UpstreamProvider } from "../../support/upstream-provider.ts";
import { location, UserAgent } from "../../support/user-agent.ts";

/**
 * Sign in with Apple answers with a form POST (response_mode=form_post) whenever name or email is asked for. The
 * double plays appleid.apple.com: a real OpenID provider rendering its own form_post page. The person's browser is
 * played by hand: the provider's POST is cross-site, so it carries none of Latch's SameSite=Lax cookies.
 */
const APPLE_SECRET = "apple-client-secret-0c1d2e3f4a";
const TEAM_ID = "TEAM123456";
const KEY_ID = "KEY1234567";
let server: TestServer;
let upstream: UpstreamProvider;
let app: TestApp;
/** An app whose Apple provider keeps the developer's .p8 key: Latch signs each client secret itself. */
let keyApp: TestApp;
let keyProviderId: string;
let admin: ReturnType<typeof controlPlane>;
const appleKey = await generateKeyPair("ES256", { extractable: true });
/** The client-secret JWTs the double verified with the key's public half: header kid and claims. */
const signedSecrets: (JWTPayload & { kid?: string })[] = [];

/** Apple's side of a signed secret: ES256 by the registered key, from the team, about the client, for Apple. */
async function acceptAppleSecret(presented: string, clientId: string): Promise<string | null> {
  if (presented.split(".").length !== 3) return presented; // a pasted secret: the double compares it itself
  try {
    const { payload, protectedHeader } = await jwtVerify(presented, appleKey.publicKey, {
      algorithms: ["ES256"],
      issuer: TEAM_ID,
      subject: clientId,
      audience: upstream.issuer,
    });
    signedSecrets.push({ ...payload, kid: protectedHeader.kid });
    return protectedHeader.kid === KEY_ID ? APPLE_SECRET : null;
  } catch {
    return null;
  }
}

beforeAll(async () => {
  server = await startTestServer({ env: { LATCH_TRUST_CUSTOM_PROVIDER_EMAILS: "true" } });
  upstream = await startUpstreamProvider({
    clients: [{ clientId: "latch-apple", clientSecret: APPLE_SECRET, redirectUris: [`${server.url}/oauth/callback`] }],
    accounts: [{ sub: "001234.apple", email: "ada@privaterelay.example", emailVerified: true }],
    extraScopes: ["name"],
    acceptClientSecret: acceptAppleSecret,
  });
  const { organizationId } = await createUser(server.orm);
  app = await createApp(server.orm, organizationId, { name: "Orchard" });
  admin = controlPlane(server, await apiKeyFor(server, organizationId));
  await addIdentityProvider(admin, app.id, {
    kind: "APPLE",
    clientId: "latch-apple",
    clientSecret: APPLE_SECRET,
    issuer: upstream.issuer,
  });
  keyApp = await createApp(server.orm, organizationId, { name: "Orchard Keys" });
  keyProviderId = await addIdentityProvider(admin, keyApp.id, {
    kind: "APPLE",
    clientId: "latch-apple",
    clientSecret: await exportPKCS8(appleKey.privateKey),
    appleTeamId: TEAM_ID,
    appleKeyId: KEY_ID,
    issuer: upstream.issuer,
  });
}, 60_000);

afterAll(async () => {
  await upstream?.close();
  await server?.stop();
});

/** authorize → login page → "Continue with Apple": the start route's redirect to the provider. */
async function startSignIn(agent: UserAgent, target = app): Promise<{ upstreamUrl: URL; returnTo: string }> {
  const challenge = createHash("sha256").update(randomBytes(32).toString("base64url")).digest("base64url");
  const authorize = await agent.get(
    `/oauth2/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: target.clientId,
      redirect_uri: "http://127.0.0.1:8787/callback",
      scope: "identify email",
      state: "s",
      code_challenge: challenge,
      code_challenge_method: "S256",
    })}`,
  );
  const login = await (await agent.get(location(authorize))).text();
  const href = login.match(/<a class="button secondary" href="([^"]+)">Continue with Apple<\/a>/)?.[1];
  expect(href, 'a "Continue with Apple" button').toBeDefined();
  const start = await agent.get(href!.replace(/&amp;/g, "&"));
  expect(start.status).toBe(302);
  return {
    upstreamUrl: new URL(location(start)),
    returnTo: new URL(location(authorize), server.url).searchParams.get("return_to")!,
  };
}

/** The provider signs the person in and answers with its auto-submitting form: its action and fields. */
async function formPostFromUpstream(url: URL): Promise<{ action: string; fields: Record<string, string> }> {
  const cookies: string[] = [];
  let next = url.toString();
  for (let hop = 0; hop < 8; hop++) {
    const response = await fetch(next, { redirect: "manual", headers: { cookie: cookies.join("; ") } });
    for (const c of response.headers.getSetCookie()) cookies.push(c.split(";")[0]!);
    if (response.status === 200) return readForm(await response.text());
    next = new URL(response.headers.get("location") ?? "", next).toString();
  }
  throw new Error("the provider never answered with its form");
}

function readForm(html: string): { action: string; fields: Record<string, string> } {
  const action = html.match(/<form[^>]*action="([^"]+)"/)?.[1];
  if (!action) throw new Error(`no form in ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
    fields[name!] = value!
      .replace(/&amp;/g, "&")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'");
  }
  return { action: action.replace(/&amp;/g, "&"), fields };
}

/** The provider's POST as the browser sends it: cross-site, so without Latch's cookies. */
function crossSitePost(action: string, fields: Record<string, string>): Promise<Response> {
  return fetch(action, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "null" },
    body: new URLSearchParams(fields),
  });
}

describe("Sign in with Apple (form_post)", () => {
  it("asks for form_post, relays the provider's POST through a same-site page, and signs the person in", async () => {
    const agent = new UserAgent(server.url);
    const { upstreamUrl, returnTo } = await startSignIn(agent);
    expect(upstreamUrl.searchParams.get("response_mode")).toBe("form_post");
    expect(upstreamUrl.searchParams.get("scope")).toBe("openid name email");

    const { action, fields } = await formPostFromUpstream(upstreamUrl);
    expect(action).toBe(`${server.url}/oauth/callback`);
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(["code", "state"]));
    // Apple posts the person's name beside its first response (its id_token has none).
    const user = JSON.stringify({
      name: { firstName: "Ada", lastName: "Lovelace" },
      email: "ada@privaterelay.example",
    });
    const relay = await crossSitePost(action, { ...fields, user });
    expect(relay.status).toBe(200);
    const csp = relay.headers.get("content-security-policy") ?? "";
    const nonce = csp.match(/script-src 'nonce-([^']+)'/)?.[1];
    expect(nonce, csp).toBeDefined();
    const page = await relay.text();
    expect(page).toContain(`<script nonce="${nonce}">document.forms[0].submit();</script>`);
    const relayed = readForm(page);
    expect(relayed.action).toBe("/oauth/callback");
    expect(relayed.fields).toEqual({ ...fields, user, relayed: "1" });
    expect(await server.orm.em.fork().count(User, { emailNormalized: "ada@privaterelay.example" })).toBe(0);

    // The relay page's own POST is same-site: the browser sends Latch's cookies with it.
    const done = await agent.post(relayed.action, relayed.fields);
    expect(done.status, await done.clone().text()).toBe(303);
    expect(location(done)).toBe(returnTo);
    const consent = await agent.get(location(done));
    expect(await consent.text()).toContain("Orchard");
    const em = server.orm.em.fork();
    const person = await em.findOneOrFail(User, { emailNormalized: "ada@privaterelay.example" });
    expect(person).toMatchObject({ displayName: "Ada Lovelace", emailVerified: true });
    const identity = await em.findOneOrFail(ExternalIdentity, { subject: "001234.apple" });
    expect(identity).toMatchObject({ kind: "apple", issuer: upstream.issuer });

    // The response is spent: posting it again fails on a readable page.
    const replay = await agent.post(relayed.action, relayed.fields);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("This sign-in link can");
  });

  it("fails on a readable page, without looping, when the relayed POST still brings no cookie", async () => {
    const agent = new UserAgent(server.url);
    const { upstreamUrl } = await startSignIn(agent);
    const { action, fields } = await formPostFromUpstream(upstreamUrl);
    const relayed = readForm(await (await crossSitePost(action, fields)).text());
    const again = await crossSitePost(new URL(relayed.action, server.url).toString(), relayed.fields);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("opened in another browser");
    const rejected = await server.orm.em.fork().find(Event, { type: "upstream.callback_rejected" });
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    // A body that is no form at all is no response either.
    const junk = await fetch(`${server.url}/oauth/callback`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      },
      body: JSON.stringify({ code: "x", state: "y" }),
    });
    expect(junk.status).toBe(400);
    expect(await junk.text()).toContain("This sign-in link can");
  });
});

describe("Sign in with Apple from the developer's .p8 key", () => {
  /** One sign-in through the key app's provider, to the answer of the relayed (same-site) callback POST. */
  async function signIn(): Promise<Response> {
    const agent = new UserAgent(server.url);
    const { upstreamUrl } = await startSignIn(agent, keyApp);
    const { action, fields } = await formPostFromUpstream(upstreamUrl);
    const relayed = readForm(await (await crossSitePost(action, fields)).text());
    return agent.post(relayed.action, relayed.fields);
  }

  it("signs a short-lived client secret for each token request, which Apple's side verifies with the public key", async () => {
    const before = signedSecrets.length;
    const done = await signIn();
    expect(done.status, await done.clone().text()).toBe(303);
    expect(signedSecrets.length).toBe(before + 1);
    const claims = signedSecrets.at(-1)!;
    expect(claims).toMatchObject({ kid: KEY_ID, iss: TEAM_ID, sub: "latch-apple", aud: upstream.issuer });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(60);
  });

  it("fails on a readable page when Apple refuses the signature, after the key was replaced by another", async () => {
    const other = await generateKeyPair("ES256", { extractable: true });
    const result: any = await admin.request(
      `mutation ($input: UpdateIdentityProviderInput!) { updateIdentityProvider(input: $input) {
        __typename ... on Error { message } } }`,
      {
        input: {
          id: Buffer.from(`IdentityProvider:${keyProviderId}`).toString("base64"),
          clientSecret: await exportPKCS8(other.privateKey),
        },
      },
    );
    expect(result.updateIdentityProvider.__typename).toBe("IdentityProviderPayload");
    const before = signedSecrets.length;
    const failed = await signIn();
    expect(failed.status).toBe(502); // the upstream refused: a gateway failure, on Latch's own page
    expect(await failed.text()).toContain("We couldn&#39;t sign you in with Apple");
    expect(signedSecrets.length).toBe(before); // the signature did not verify, so nothing was accepted
  });
});
