import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Event, Session, User } from "../../../server/db/entities/index.ts";
import { createUser, PASSWORD, signIn, type TestUser } from "../../support/oauth-fixtures.ts";
import { linkIn, type SmtpCapture, startSmtpCapture } from "../../support/smtp-capture.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, location, UserAgent } from "../../support/user-agent.ts";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

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

/** A browser signed in as `user`, optionally sending a user agent (the sessions page names devices from it). */
async function signedIn(user: TestUser, userAgent?: string): Promise<UserAgent> {
  const agent = new UserAgent(server.url);
  const page = await agent.get("/login");
  const csrf = hiddenField(await page.text(), "csrf_token");
  const response = await agent.post(
    "/login",
    { email: user.email, password: user.password, csrf_token: csrf, return_to: "/account/profile" },
    userAgent ? { "user-agent": userAgent } : {},
  );
  expect(response.status).toBe(303);
  return agent;
}

/** GETs an account page and posts one of its forms (the one whose action is `action`) with its CSRF token. */
async function submit(agent: UserAgent, page: string, action: string, fields: Record<string, string> = {}) {
  const html = await (await agent.get(page)).text();
  return agent.post(action, { csrf_token: hiddenField(html, "csrf_token"), ...fields });
}

describe("account pages", () => {
  it("sends a signed-out browser to the login page and back to the page it asked for", async () => {
    const { user } = await createUser(server.orm);
    for (const path of ["/account/profile", "/account/password", "/account/sessions", "/account/delete"]) {
      const response = await new UserAgent(server.url).get(path);
      expect(response.status, path).toBe(302);
      expect(location(response)).toBe(`/login?return_to=${encodeURIComponent(path)}`);
    }
    const post = await new UserAgent(server.url).post("/account/profile", { display_name: "Nobody" });
    expect(post.status).toBe(303);
    expect(location(post)).toBe("/login?return_to=%2Faccount%2Fprofile");
    const agent = new UserAgent(server.url);
    const login = await signIn(agent, user, "/account/sessions");
    expect(location(login)).toBe("/account/sessions");
    const page = await (await agent.get("/account/sessions")).text();
    for (const href of ["/account/profile", "/account/password", "/account/connections", "/account/delete"]) {
      expect(page).toContain(`href="${href}"`);
    }
    expect(page).toContain('href="/account/sessions" aria-current="page"');
  });

  it("changes the display name and avatar, refuses a forged form and an http avatar with a readable page", async () => {
    const { user } = await createUser(server.orm);
    const agent = await signedIn(user);
    const forged = await agent.post("/account/profile", { csrf_token: "forged", display_name: "Mallory" });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("This form has expired");

    const insecure = await submit(agent, "/account/profile", "/account/profile", {
      display_name: "Ada Lovelace",
      avatar_url: "http://example.com/ada.png",
    });
    expect(insecure.status).toBe(400);
    const html = await insecure.text();
    expect(html).toContain("Enter an https:// address of an image");
    expect(html).toMatch(/id="profile-avatar_url"[^>]*aria-invalid="true"/);
    expect(html).toContain('value="Ada Lovelace"');
    const untouched = await server.orm.em.fork().findOneOrFail(User, { id: user.id });
    expect(untouched.displayName).not.toBe("Ada Lovelace");

    const saved = await submit(agent, "/account/profile", "/account/profile", {
      display_name: "  Ada Lovelace ",
      avatar_url: "https://example.com/ada.png",
    });
    expect(saved.status).toBe(303);
    const page = await (await agent.get(location(saved))).text();
    expect(page).toContain("Your profile was saved.");
    expect(page).toContain("<strong>Ada Lovelace</strong>");
    const row = await server.orm.em.fork().findOneOrFail(User, { id: user.id });
    expect([row.displayName, row.avatarUrl]).toEqual(["Ada Lovelace", "https://example.com/ada.png"]);
    const events = await server.orm.em.fork().find(Event, { type: "user.updated", subjectId: user.id });
    expect(events.map((event) => event.payload)).toEqual([{ changed: ["displayName", "avatarUrl"] }]);

    const empty = await submit(agent, "/account/profile", "/account/profile", { display_name: " ", avatar_url: "" });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Enter a display name.");
  });

  it("changes the email through a single-use link mailed to the new address, and tells the old one", async () => {
    const { user } = await createUser(server.orm);
    const agent = await signedIn(user);
    const newEmail = `new-${user.id.slice(0, 8)}@example.com`;
    const wrong = await submit(agent, "/account/profile", "/account/email", {
      email: newEmail,
      current_password: "not my password",
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(
      /Your current password is not correct\.[\s\S]*id="email-current_password"[^>]*aria-invalid="true"/,
    );

    const since = smtp.messages.length;
    const asked = await submit(agent, "/account/profile", "/account/email", {
      email: newEmail,
      current_password: PASSWORD,
    });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain(`We sent a link to ${newEmail}`);
    const mail = await smtp.waitFor(newEmail, { since });
    expect(mail.subject).toBe("Confirm your new email address");
    const link = linkIn(mail, `${server.url}/account/email/confirm?token=latch_al_`);
    // Not changed until the link is used: the GET only shows a button (a mail scanner changes nothing).
    const other = new UserAgent(server.url);
    const confirmPage = await other.get(link);
    expect(confirmPage.status).toBe(200);
    const confirmHtml = await confirmPage.text();
    expect(confirmHtml).toContain(newEmail);
    expect((await server.orm.em.fork().findOneOrFail(User, { id: user.id })).email).toBe(user.email);

    const forged = await other.post("/account/email/confirm", {
      token: hiddenField(confirmHtml, "token"),
      csrf_token: "x",
    });
    expect(forged.status).toBe(403);
    const confirmed = await other.post("/account/email/confirm", {
      token: hiddenField(confirmHtml, "token"),
      csrf_token: hiddenField(confirmHtml, "csrf_token"),
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("Your email address was changed");
    const row = await server.orm.em.fork().findOneOrFail(User, { id: user.id });
    expect([row.email, row.emailVerified]).toEqual([newEmail, true]);
    const notice = await smtp.waitFor(user.email, { since });
    expect(notice.subject).toBe("Your email address was changed");
    expect(notice.text).toContain(newEmail);

    const reused = await new UserAgent(server.url).get(link);
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain("This link was already used");
    const replayed = await other.post("/account/email/confirm", {
      token: hiddenField(confirmHtml, "token"),
      csrf_token: hiddenField(confirmHtml, "csrf_token"),
    });
    expect(replayed.status).toBe(400);
    const events = await server.orm.em.fork().find(Event, { type: "user.updated", subjectId: user.id });
    expect(events.map((event) => event.payload)).toEqual([{ changed: ["email"] }]);
    expect((await signIn(new UserAgent(server.url), { ...user, email: newEmail })).status).toBe(303);
  });

  it("changes the password after the current one, within the policy, and ends the other sessions", async () => {
    const { user } = await createUser(server.orm);
    const agent = await signedIn(user);
    const elsewhere = await signedIn(user);

    const wrong = await submit(agent, "/account/password", "/account/password", {
      current_password: "wrong password here",
      new_password: "a fresh long passphrase",
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Your current password is not correct.");
    const common = await submit(agent, "/account/password", "/account/password", {
      current_password: PASSWORD,
      new_password: "password1",
    });
    expect(common.status).toBe(400);
    expect(await common.text()).toMatch(/too common[\s\S]*id="password-new_password"[^>]*aria-invalid="true"/);
    const short = await submit(agent, "/account/password", "/account/password", {
      current_password: PASSWORD,
      new_password: "short",
    });
    expect(await short.text()).toContain("Use at least 8 characters.");

    const done = await submit(agent, "/account/password", "/account/password", {
      current_password: PASSWORD,
      new_password: "a fresh long passphrase",
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Your password was changed. 1 other session was signed out.");
    expect((await elsewhere.get("/account/profile")).status).toBe(302);
    expect((await agent.get("/account/profile")).status).toBe(200);
    expect((await signIn(new UserAgent(server.url), user)).status).toBe(401);
    expect((await signIn(new UserAgent(server.url), { ...user, password: "a fresh long passphrase" })).status).toBe(
      303,
    );
    const events = await server.orm.em.fork().find(Event, { type: "user.password_changed", subjectId: user.id });
    expect(events.map((event) => event.payload)).toEqual([{ method: "account", endedSessions: 1 }]);
  });

  it("lists sessions with device and address, and ending them really signs those browsers out", async () => {
    const { user } = await createUser(server.orm);
    const phone = await signedIn(user, IPHONE);
    const laptop = await signedIn(user);
    const third = await signedIn(user);
    const html = await (await phone.get("/account/sessions")).text();
    expect(html).toMatch(/Safari on iPhone<span class="tag">This session<\/span>/);
    expect(html).toContain("Node.js");
    expect(html).toContain("127.0.0.1");
    expect(html).toContain("Last seen");
    const rows = await server.orm.em.fork().find(Session, { user: user.id });
    expect(rows).toHaveLength(3);

    // The laptop ends the phone's session: the form of the phone's row (the one that isn't this session).
    const laptopPage = await (await laptop.get("/account/sessions")).text();
    const phoneId = rows.find((row) => row.userAgent === IPHONE)!.id;
    expect(laptopPage).toContain(`action="/account/sessions/${phoneId}/end"`);
    const csrf = hiddenField(laptopPage, "csrf_token");
    expect((await laptop.post(`/account/sessions/${phoneId}/end`, { csrf_token: "forged" })).status).toBe(403);
    expect((await phone.get("/account/sessions")).status).toBe(200);
    const ended = await laptop.post(`/account/sessions/${phoneId}/end`, { csrf_token: csrf });
    expect(location(ended)).toBe("/account/sessions?done=ended");
    expect((await phone.get("/account/sessions")).status).toBe(302);
    // Another user's session id, or an ended one, ends nothing.
    const again = await laptop.post(`/account/sessions/${phoneId}/end`, { csrf_token: csrf });
    expect(location(again)).toBe("/account/sessions?done=none");

    const others = await laptop.post("/account/sessions/end-others", { csrf_token: csrf });
    expect(location(others)).toBe("/account/sessions?done=others");
    expect((await third.get("/account/profile")).status).toBe(302);
    expect((await laptop.get("/account/profile")).status).toBe(200);

    const everywhere = await laptop.post("/account/sessions/end-all", { csrf_token: csrf });
    expect(everywhere.status).toBe(200);
    expect(await everywhere.text()).toContain("signed out everywhere");
    expect((await laptop.get("/account/profile")).status).toBe(302);
    expect(await server.orm.em.fork().count(Session, { user: user.id })).toBe(0);
  });
});
