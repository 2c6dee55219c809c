import type { MailMessage } from "./mailer.ts";
import { renderMessage } from "./render-message.ts";

/** To the new address: the link that makes it the account's address (valid `hours` hours). */
export function confirmNewEmailMessage(input: { to: string; link: string; hours: number }): MailMessage {
  return renderMessage({
    kind: "confirm_email_change",
    to: input.to,
    subject: "Confirm your new email address",
    intro: ["You asked to use this address for your account. Your address changes once you confirm it."],
    action: { label: "Confirm new address", url: input.link },
    outro: [
      `The link works once and expires in ${input.hours} hours.`,
      "If you did not ask for this, ignore this message: nothing changes.",
    ],
  });
}

/** To the old address, once the change is made: who to tell if it was not the account's owner. */
export function emailChangedMessage(input: { to: string; newEmail: string; resetUrl: string }): MailMessage {
  return renderMessage({
    kind: "email_changed",
    to: input.to,
    subject: "Your email address was changed",
    intro: [
      `The email address of your account was changed to ${input.newEmail}. Messages about your account now go there.`,
    ],
    action: { label: "Not you? Reset your password", url: input.resetUrl },
    outro: ["If you made this change, there is nothing to do."],
  });
}
