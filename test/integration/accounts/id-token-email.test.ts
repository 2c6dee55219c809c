import { createRemoteJWKSet, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../../server/crypto/sha256.ts";
import { Organization, User } from "../../../server/db/entities/index.ts";
import { codeFlowRequest, discoverLatch, redeemCallback } from "../../support/code-flow-client.ts";
import { postAsClient } from "../../support/oauth-client.ts";
import {
  authorizeInBrowser,
  createApp,
  createUser,
  REDIRECT,
  type TestApp,
  type TestUser,
} from "../../support/oauth-fixtures.ts";
import { linkIn, type SmtpCapture, startSmtpCapture } from "../../support/smtp-capture.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, location, UserAgent } from "../../support/user-agent.ts";

let smtp: SmtpCapture;
let server: TestServer;
let as: oauth.AuthorizationServer;
let app: TestApp;

const PASSPHRASE = "an id token claims passphrase";

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({ env: { LATCH_SMTP_URL: smtp.url } });
  as = await discoverLatch(server.url);
  const { organizationId } = await createUser(server.orm);
  await server.orm.em.fork().nativeUpdate(Organization, { id: organizationId }, { signUpPolicy: "OPEN" });
  app = await createApp(server.orm, organizationId);
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

/** Runs the code flow for `scope` as `user` through a real OAuth client and answers the validated ID token's claims. */
async function idTokenFor(agent: UserAgent, user: TestUser, scope: string) {
  const request = await codeFlowRequest(as, { clientId: app.clientId, redirectUri: REDIRECT, scope });
  const callback = await authorizeInBrowser(agent, user, request.url);
  const tokens = await redeemCallback(as, app, callback, request, REDIRECT, { idToken: true });
  const info = await fetch(`${server.url}/oauth2/userinfo`, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  return { claims: oauth.getValidatedIdTokenClaims(tokens)!, userinfo: await info.json() };
}

describe("email claims in the ID token (OIDC Core §5.1, §5.4)", () => {
  it("carries email_verified false for an unverified account and true once its link is opened, like userinfo", async () => {
    const email = `claims-${Date.now()}@example.com`;
    const agent = new UserAgent(server.url);
    const start = await codeFlowRequest(as, { clientId: app.clientId, redirectUri: REDIRECT, scope: "openid email" });
    const toLogin = await agent.get(start.url);
    const returnTo = new URL(location(toLogin), server.url).searchParams.get("return_to")!;
    const form = await (await agent.get(`/signup?return_to=${encodeURIComponent(returnTo)}`)).text();
    const since = smtp.messages.length;
    const signedUp = await agent.post("/signup", {
      csrf_token: hiddenField(form, "csrf_token"),
      return_to: returnTo,
      email,
      display_name: "Claims Person",
      password: PASSPHRASE,
    });
    expect(signedUp.status).toBe(200);
    const user: TestUser = { id: "", email, password: PASSPHRASE };

    // Signed in with the password before verifying: the claims say so.
    const before = await idTokenFor(agent, user, "openid email");
    user.id = before.claims.sub;
    expect(before.claims).toMatchObject({ email, email_verified: false });
    expect(before.userinfo).toMatchObject({ sub: user.id, email, email_verified: false });

    const link = linkIn(await smtp.waitFor(email, { since }), `${server.url}/verify-email?token=`);
    const page = await (await agent.get(link)).text();
    const confirmed = await agent.post("/verify-email", {
      csrf_token: hiddenField(page, "csrf_token"),
      token: hiddenField(page, "token"),
      return_to: hiddenField(page, "return_to"),
    });
    expect(confirmed.status).toBe(303);

    const after = await idTokenFor(agent, user, "openid email");
    expect(after.claims).toMatchObject({ sub: user.id, email, email_verified: true });
    expect(after.userinfo).toMatchObject({ email, email_verified: true });
  });

  it("reads the current verified state on the locked path too (a code whose row another transaction holds)", async () => {
    const { user } = await createUser(server.orm);
    await server.orm.em.fork().nativeUpdate(User, { id: user.id }, { emailVerified: false });
    const request = await codeFlowRequest(as, { clientId: app.clientId, redirectUri: REDIRECT, scope: "openid email" });
    const callback = await authorizeInBrowser(new UserAgent(server.url), user, request.url);
    const blocker = new pg.Client({ connectionString: server.database.url });
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query("select id from authorization_codes where code_hash = $1 for update", [
        hashSecret(callback.searchParams.get("code")!),
      ]);
      // The one statement skips the held row; the exchange then waits for it under the lock.
      const exchange = redeemCallback(as, app, callback, request, REDIRECT, { idToken: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await blocker.query("rollback");
      const claims = oauth.getValidatedIdTokenClaims(await exchange)!;
      expect(claims).toMatchObject({ sub: user.id, email: user.email, email_verified: false });
    } finally {
      await blocker.end();
    }
  });

  it("carries them in the password grant's ID token too", async () => {
    const { user, organizationId } = await createUser(server.orm);
    const optedIn = await createApp(server.orm, organizationId, {
      allowPasswordGrant: true,
      grantTypes: ["password"],
    });
    const answer = await postAsClient(server.url, "/oauth2/token", optedIn, {
      grant_type: "password",
      username: user.email,
      password: user.password,
      scope: "openid email",
    });
    expect(answer.status).toBe(200);
    const { payload } = await jwtVerify(answer.body.id_token, createRemoteJWKSet(new URL(as.jwks_uri!)), {
      issuer: server.url,
      audience: optedIn.clientId,
    });
    expect(payload).toMatchObject({ sub: user.id, email: user.email, email_verified: true });
  });

  it("leaves the address out of the ID token without the email scope", async () => {
    const { user } = await createUser(server.orm);
    const { claims, userinfo } = await idTokenFor(new UserAgent(server.url), user, "openid profile");
    expect(claims.sub).toBe(user.id);
    expect(claims).not.toHaveProperty("email");
    expect(claims).not.toHaveProperty("email_verified");
    expect(userinfo).not.toHaveProperty("email");
  });
});
