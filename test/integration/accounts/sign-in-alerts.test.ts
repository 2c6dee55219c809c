import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { User } from "../../../server/db/entities/index.ts";
import { createUser, type TestUser } from "../../support/oauth-fixtures.ts";
import { linkIn, type SmtpCapture, startSmtpCapture } from "../../support/smtp-capture.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { hiddenField, UserAgent } from "../../support/user-agent.ts";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

let smtp: SmtpCapture;
let server: TestServer;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({ env: { LATCH_SMTP_URL: smtp.url, LATCH_TRUSTED_PROXY_HOPS: "1" } });
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

async function signedIn(user: TestUser, headers: Record<string, string> = {}): Promise<UserAgent> {
  const agent = new UserAgent(server.url);
  const csrf = hiddenField(await (await agent.get("/login")).text(), "csrf_token");
  const response = await agent.post(
    "/login",
    { email: user.email, password: user.password, csrf_token: csrf, return_to: "/account/profile" },
    headers,
  );
  expect(response.status).toBe(303);
  return agent;
}

async function toggle(agent: UserAgent): Promise<string> {
  const html = await (await agent.get("/account/profile")).text();
  const answer = await agent.post("/account/sign-in-alerts", {
    csrf_token: hiddenField(html, "csrf_token"),
    alerts: hiddenField(html, "alerts"),
  });
  expect(answer.status).toBe(303);
  return (await agent.get("/account/profile")).text();
}

describe("sign-in alerts", () => {
  it("are off by default; once turned on, each new sign-in is mailed after it committed, with device and address", async () => {
    const { user } = await createUser(server.orm);
    const quiet = (await createUser(server.orm)).user;
    const agent = await signedIn(user);
    const profile = await (await agent.get("/account/profile")).text();
    expect(profile).toContain("Turn sign-in alerts on");

    const on = await toggle(agent);
    expect(on).toContain("Turn sign-in alerts off");
    const row = await server.orm.em.fork().findOneOrFail(User, { id: user.id });
    expect(row.notifySignIns).toBe(true);

    // Someone without alerts signs in first: only the opted-in user's sign-in is mailed.
    await signedIn(quiet, { "x-forwarded-for": "203.0.113.9" });
    const since = smtp.messages.length;
    await signedIn(user, { "user-agent": FIREFOX, "x-forwarded-for": "198.51.100.77" });
    const mail = await smtp.waitFor(user.email, { since });
    expect(mail.subject).toBe("New sign-in to your account");
    expect(mail.text).toContain("your password");
    expect(mail.text).toContain("Firefox");
    expect(mail.text).toContain("198.51.100.77");
    expect(linkIn(mail, `${server.url}/account/sessions`)).toBe(`${server.url}/account/sessions`);
    expect(smtp.messages.filter((m) => m.to.includes(quiet.email))).toEqual([]);

    // Turned off again: the next sign-in sends nothing (checked once a later opted-in sign-in was mailed).
    const off = await toggle(agent);
    expect(off).toContain("Turn sign-in alerts on");
    const other = (await createUser(server.orm)).user;
    await toggle(await signedIn(other));
    await signedIn(user);
    const marker = smtp.messages.length;
    await signedIn(other);
    await smtp.waitFor(other.email, { since: marker });
    expect(smtp.messages.slice(marker).filter((m) => m.to.includes(user.email))).toEqual([]);
  });

  it("refuses a toggle without the form's CSRF token or with a made-up value, changing nothing", async () => {
    const { user } = await createUser(server.orm);
    const agent = await signedIn(user);
    expect((await agent.post("/account/sign-in-alerts", { alerts: "on" })).status).toBe(403);
    const html = await (await agent.get("/account/profile")).text();
    const odd = await agent.post("/account/sign-in-alerts", {
      csrf_token: hiddenField(html, "csrf_token"),
      alerts: "yes",
    });
    expect(odd.status).toBeGreaterThanOrEqual(400);
    expect(odd.status).toBeLessThan(500);
    expect((await server.orm.em.fork().findOneOrFail(User, { id: user.id })).notifySignIns).toBe(false);
  });
});
