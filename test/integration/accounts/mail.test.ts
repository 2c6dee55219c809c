import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../server/logger.ts";
import { verifyEmailMessage } from "../../../server/services/mail/account-messages.ts";
import { createSmtpMailer } from "../../../server/services/mail/smtp-mailer.ts";
import { type SmtpCapture, startSmtpCapture } from "../../support/smtp-capture.ts";
import { startTestServer } from "../../support/test-server.ts";

let smtp: SmtpCapture;

beforeAll(async () => {
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await smtp.close();
});

describe("the mail layer", () => {
  it("sends plain text and branded HTML over SMTP, authenticating with the URL's credentials", async () => {
    const logs: string[] = [];
    const mailer = createSmtpMailer({
      url: smtp.url,
      from: "Latch <no-reply@latch.test>",
      logger: createLogger("info", { write: (line: string) => void logs.push(line) }),
    });
    const link = `https://latch.test/verify-email?token=${"x".repeat(80)}`;
    await mailer.send(verifyEmailMessage({ to: "ada@example.com", link, hours: 24 }));
    await mailer.close();
    const mail = await smtp.waitFor("ada@example.com");
    expect(mail.from).toBe("no-reply@latch.test");
    expect(mail.subject).toBe("Verify your email address");
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.html).toContain("border-top:4px solid #2563eb");
    // The log says a message went out, never what it carried.
    expect(logs.join("\n")).toContain("mail sent");
    expect(logs.join("\n")).not.toContain("x".repeat(80));
  });

  it("answers /dev/mail outside production without SMTP, and 404 when SMTP is configured or in production", async () => {
    const dev = await startTestServer();
    const withSmtp = await startTestServer({ env: { LATCH_SMTP_URL: smtp.url } });
    try {
      const page = await fetch(`${dev.url}/dev/mail`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("No messages yet");
      expect((await fetch(`${withSmtp.url}/dev/mail`)).status).toBe(404);
    } finally {
      await dev.stop();
      await withSmtp.stop();
    }
    const production = await startTestServer({ env: { NODE_ENV: "production" } });
    try {
      expect((await fetch(`${production.url}/dev/mail`)).status).toBe(404);
    } finally {
      await production.stop();
    }
  });
});
