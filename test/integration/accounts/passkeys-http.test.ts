import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event, Organization, User, WebauthnCredential } from "../../../server/db/entities/index.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import { passwordStep, submit } from "../../support/second-factor.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, location, UserAgent } from "../../support/user-agent.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { LATCH_RUN_WORKER: "false" } });
});
afterAll(async () => {
  await server?.stop();
});

function passkeyOptions(html: string): Record<string, unknown> {
  const raw = /data-options="([^"]+)"/.exec(html)?.[1];
  expect(raw).toBeDefined();
  return JSON.parse(raw!.replace(/&quot;/g, '"').replace(/&amp;/g, "&")) as Record<string, unknown>;
}

/** A response shaped like the browser's, for a credential Latch never registered. */
const FORGED = JSON.stringify({
  id: "bm90LWEtY3JlZGVudGlhbA",
  rawId: "bm90LWEtY3JlZGVudGlhbA",
  type: "public-key",
  response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA" },
  clientExtensionResults: {},
});

describe("passkeys over HTTP", () => {
  it("offers a passkey sign-in on the login page: RP id from PUBLIC_URL, discoverable, scripts from our origin under a nonce", async () => {
    const agent = new UserAgent(server.url);
    const login = await agent.get("/login");
    const csp = login.headers.get("content-security-policy") ?? "";
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|script-src[^;]*'self'/);
    const html = await login.text();
    expect(html).toContain(`<script nonce="${nonce}" src="/assets/simplewebauthn-browser.js" defer></script>`);
    expect(html).toContain(`<script nonce="${nonce}" src="/assets/passkeys.js" defer></script>`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).toContain('autocomplete="username webauthn"');
    const options = passkeyOptions(html);
    expect(options.rpId).toBe(new URL(server.url).hostname);
    expect(options.allowCredentials).toEqual([]);
    expect(String(options.challenge).length).toBeGreaterThan(40);
    for (const path of ["/assets/simplewebauthn-browser.js", "/assets/passkeys.js"]) {
      const script = await fetch(`${server.url}${path}`);
      expect(script.status).toBe(200);
      expect(script.headers.get("content-type")).toContain("text/javascript");
      expect((await script.text()).length).toBeGreaterThan(500);
    }
  });

  it("refuses a forged or malformed passkey sign-in with the login page's error, never a 500", async () => {
    const agent = new UserAgent(server.url);
    const html = await (await agent.get("/login")).text();
    const csrf = hiddenField(html, "csrf_token");
    for (const response of ["", "not json", "[1]", FORGED]) {
      const refused = await agent.post("/login/passkey", { csrf_token: csrf, return_to: "/account", response });
      expect(refused.status).toBe(303);
      expect(location(refused)).toContain("passkey=failed");
    }
    const shown = await agent.get("/login?return_to=%2Faccount&passkey=failed");
    expect(await shown.text()).toContain("That passkey didn&#39;t work");
    const noCsrf = await agent.post("/login/passkey", { return_to: "/account", response: FORGED });
    expect(location(noCsrf)).toContain("expired=1");
    const noState = await agent.post("/login/second-factor/passkey", { csrf_token: csrf, response: FORGED });
    expect(location(noState)).toContain("expired=1");
  });

  it("answers the account page for a bad registration or removal, and audits nothing it did not do", async () => {
    const { user } = await createUser(server.orm);
    const agent = new UserAgent(server.url);
    expect((await passwordStep(agent, user)).status).toBe(303);
    const page = await (await agent.get("/account/security")).text();
    const options = passkeyOptions(page);
    expect((options.rp as { id: string }).id).toBe(new URL(server.url).hostname);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required" });
    const garbage = await submit(agent, "/account/security", "/account/security/passkeys", {
      name: "Laptop",
      response: "{}",
    });
    expect(garbage.status).toBe(400);
    expect(await garbage.text()).toContain("Your browser didn&#39;t create a passkey");
    const unnamed = await submit(agent, "/account/security", "/account/security/passkeys", { name: " " });
    expect(unnamed.status).toBe(400);
    const missing = await submit(agent, "/account/security", "/account/security/passkeys/remove", {
      passkey_id: crypto.randomUUID(),
      current_password: user.password,
    });
    expect(missing.status).toBe(409);
    const wrongPassword = await submit(agent, "/account/security", "/account/security/passkeys/remove", {
      passkey_id: "x",
      current_password: "wrong",
    });
    expect(wrongPassword.status).toBe(400);
    const em = server.orm.em.fork();
    expect(
      await em.count(Event, { type: { $in: ["user.mfa_enrolled", "user.mfa_removed"] }, subjectId: user.id }),
    ).toBe(0);
  });

  it("keeps an owner's last passkey under require-MFA, and asks for it (no code field) after the password", async () => {
    const { user, organizationId } = await createUser(server.orm);
    const signedIn = new UserAgent(server.url);
    expect((await passwordStep(signedIn, user)).status).toBe(303);
    const em = server.orm.em.fork();
    // A stored credential (as registration leaves it): the browser test proves the ceremony itself.
    em.create(WebauthnCredential, {
      id: crypto.randomUUID(),
      user: em.getReference(User, user.id),
      credentialId: `cred-${crypto.randomUUID()}`,
      publicKey: "pQECAyYgASFYIA",
      counter: 0,
      transports: ["internal"],
      name: "Phone",
      deviceType: "multiDevice",
      backedUp: true,
      createdAt: new Date(),
      lastUsedAt: null,
    });
    await em.flush();
    await em.nativeUpdate(Organization, { id: organizationId }, { requireMfaForAdmins: true });
    const passkey = await em.findOneOrFail(WebauthnCredential, { user: user.id });
    const refused = await submit(signedIn, "/account/security", "/account/security/passkeys/remove", {
      passkey_id: passkey.id,
      current_password: user.password,
    });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("your last passkey cannot be removed");
    expect(await em.fork().count(WebauthnCredential, { user: user.id })).toBe(1);
    const agent = new UserAgent(server.url);
    const step = await passwordStep(agent, user);
    expect(step.status).toBe(200);
    const html = await step.text();
    expect(html).toContain("Use a passkey");
    expect(html).not.toContain('name="code"');
    const options = passkeyOptions(html);
    expect((options.allowCredentials as { id: string }[]).length).toBe(1);
  });
});
