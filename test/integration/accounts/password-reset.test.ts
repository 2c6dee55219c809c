import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountToken, Event, User } from "../../../server/db/entities/index.ts";
import { createUser, signIn, type TestUser } from "../../support/oauth-fixtures.ts";
import { linkIn, type SmtpCapture, startSmtpCapture } from "../../support/smtp-capture.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, UserAgent } from "../../support/user-agent.ts";

let smtp: SmtpCapture;
let server: TestServer;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({ env: { LATCH_SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

async function askForReset(agent: UserAgent, email: string): Promise<Response> {
  const form = await agent.get("/forgot-password");
  const csrf = hiddenField(await form.text(), "csrf_token");
  return agent.post("/forgot-password", { email, csrf_token: csrf });
}

async function setPassword(agent: UserAgent, link: string, password: string): Promise<Response> {
  const page = await agent.get(link);
  expect(page.status).toBe(200);
  const html = await page.text();
  return agent.post("/reset-password", {
    token: hiddenField(html, "token"),
    csrf_token: hiddenField(html, "csrf_token"),
    password,
  });
}

describe("password reset", () => {
  let user: TestUser;
  beforeAll(async () => {
    ({ user } = await createUser(server.orm));
  });

  it("links 'Forgot password?' from the login page", async () => {
    const login = await new UserAgent(server.url).get("/login");
    expect(await login.text()).toContain('href="/forgot-password"');
  });

  it("answers the same status and body for an existing and an unknown email", async () => {
    const known = await askForReset(new UserAgent(server.url), user.email);
    const unknown = await askForReset(new UserAgent(server.url), "nobody-here@example.com");
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    const strip = (html: string) => html.replace(/nonce="[^"]*"/g, "");
    expect(strip(await unknown.text())).toBe(strip(await known.text()));
    await smtp.waitFor(user.email);
    expect(smtp.messages.some((mail) => mail.to.includes("nobody-here@example.com"))).toBe(false);
  });

  it("resets through the mailed link: the old session cookie stops working, the link works once", async () => {
    const signedIn = new UserAgent(server.url);
    expect((await signIn(signedIn, user)).status).toBe(303);
    expect((await signedIn.get("/account/connections")).status).toBe(200);

    const since = smtp.messages.length;
    const agent = new UserAgent(server.url);
    expect((await askForReset(agent, user.email.toUpperCase())).status).toBe(200);
    const mail = await smtp.waitFor(user.email, { since });
    expect(mail.subject).toBe("Reset your password");
    const link = linkIn(mail, `${server.url}/reset-password?token=latch_al_`);
    expect(mail.html).toContain(link);

    // The policy is checked, with a readable answer, and the link survives a refused password.
    const weak = await setPassword(agent, link, "password");
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain("This password is too common");

    const done = await setPassword(agent, link, "a brand new passphrase");
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Your password was changed");

    // The old session is gone; the old password no longer works, the new one does.
    const old = await signedIn.get("/account/connections");
    expect(old.status).toBe(302);
    expect((await signIn(new UserAgent(server.url), user)).status).toBe(401);
    expect((await signIn(new UserAgent(server.url), { ...user, password: "a brand new passphrase" })).status).toBe(303);

    // Used once: the same link gives a readable page.
    const reused = await new UserAgent(server.url).get(link);
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain("This link was already used");

    const em = server.orm.em.fork();
    const events = await em.find(Event, { type: "user.password_changed", subjectId: user.id });
    expect(events).toHaveLength(1);
    const rows = await em.find(AccountToken, { user: user.id });
    expect(rows.every((row) => row.tokenHash !== link.split("token=")[1])).toBe(true);
  });

  it("gives a readable page for an expired or mangled link", async () => {
    const { user: other } = await createUser(server.orm);
    const since = smtp.messages.length;
    await askForReset(new UserAgent(server.url), other.email);
    const link = linkIn(await smtp.waitFor(other.email, { since }), `${server.url}/reset-password`);
    await server.orm.em
      .fork()
      .nativeUpdate(AccountToken, { user: other.id }, { expiresAt: new Date(Date.now() - 1000) });
    const expired = await new UserAgent(server.url).get(link);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain("This link has expired");
    const mangled = await new UserAgent(server.url).get("/reset-password?token=latch_al_nonsense");
    expect(mangled.status).toBe(400);
    expect(await mangled.text()).toContain("This link doesn");
    const user = await server.orm.em.fork().findOneOrFail(User, { id: other.id });
    expect(user.passwordHash).not.toBeNull();
  });

  it("refuses a form without its CSRF token and limits requests per email", async () => {
    const agent = new UserAgent(server.url);
    await agent.get("/forgot-password");
    expect((await agent.post("/forgot-password", { email: user.email, csrf_token: "forged" })).status).toBe(403);
    const target = `limited-${Date.now()}@example.com`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await askForReset(new UserAgent(server.url), target)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
