import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../support/oauth-fixtures.ts";
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

/** Asks for a reset from the forgot-password page opened with `returnTo`, and answers the mailed link. */
async function resetLinkFor(email: string, returnTo: string): Promise<{ page: string; link: string }> {
  const agent = new UserAgent(server.url);
  const page = await (await agent.get(`/forgot-password?return_to=${encodeURIComponent(returnTo)}`)).text();
  const since = smtp.messages.length;
  const answer = await agent.post("/forgot-password", {
    email,
    csrf_token: hiddenField(page, "csrf_token"),
    return_to: hiddenField(page, "return_to"),
  });
  expect(answer.status).toBe(200);
  return { page, link: linkIn(await smtp.waitFor(email, { since }), `${server.url}/reset-password?token=`) };
}

describe("password reset continuing an authorization", () => {
  it("links Forgot password? with the login page's return_to and carries it through the mail to the done page", async () => {
    const { user } = await createUser(server.orm);
    const returnTo = "/oauth2/authorize?client_id=abc&response_type=code";
    const login = await (
      await new UserAgent(server.url).get(`/login?return_to=${encodeURIComponent(returnTo)}`)
    ).text();
    expect(login).toContain(`href="/forgot-password?return_to=${encodeURIComponent(returnTo).replace(/&/g, "&amp;")}"`);

    const { page, link } = await resetLinkFor(user.email, returnTo);
    expect(hiddenField(page, "return_to")).toBe(returnTo);
    expect(new URL(link).searchParams.get("return_to")).toBe(returnTo);
    const agent = new UserAgent(server.url);
    const form = await (await agent.get(link)).text();
    const done = await agent.post("/reset-password", {
      token: hiddenField(form, "token"),
      csrf_token: hiddenField(form, "csrf_token"),
      return_to: hiddenField(form, "return_to"),
      password: "a brand new passphrase",
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(
      `href="/login?return_to=${encodeURIComponent(returnTo).replace(/&/g, "&amp;")}"`,
    );
  });

  it("drops a return_to to another origin: the form, the mail and the done page go to the default page", async () => {
    const { user } = await createUser(server.orm);
    const { page, link } = await resetLinkFor(user.email, "https://evil.example/phish");
    expect(hiddenField(page, "return_to")).toBe("/account/connections");
    expect(new URL(link).searchParams.has("return_to")).toBe(false);
    const hostile = await new UserAgent(server.url).get(`${link}&return_to=${encodeURIComponent("//evil.example")}`);
    expect(hiddenField(await hostile.text(), "return_to")).toBe("/account/connections");
  });
});
