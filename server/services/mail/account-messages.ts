import type { MailMessage } from "./mailer.ts";
import { renderMessage } from "./render-message.ts";

/** The message with a link to verify `to` (valid `hours` hours). */
export function verifyEmailMessage(input: { to: string; link: string; hours: number }): MailMessage {
  return renderMessage({
    kind: "verify_email",
    to: input.to,
    subject: "Verify your email address",
    intro: ["Confirm that this is your email address to finish setting up your account."],
    action: { label: "Verify email address", url: input.link },
    outro: [
      `The link works once and expires in ${input.hours} hours.`,
      "If you did not create an account, you can ignore this message.",
    ],
  });
}

/** The message with a link to choose a new password (valid `minutes` minutes). */
export function resetPasswordMessage(input: { to: string; link: string; minutes: number }): MailMessage {
  return renderMessage({
    kind: "reset_password",
    to: input.to,
    subject: "Reset your password",
    intro: ["Someone asked to reset the password of the account with this email address."],
    action: { label: "Choose a new password", url: input.link },
    outro: [
      `The link works once and expires in ${input.minutes} minutes.`,
      "If it was not you, ignore this message: your password stays as it is.",
    ],
  });
}
