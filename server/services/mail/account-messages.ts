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

/**
 * The invitation to join an organization (valid `days` days). Names the organization and, when a person sent it,
 * who: the words a recipient needs to tell a real invitation from a phishing one.
 */
export function invitationMessage(input: {
  to: string;
  link: string;
  organizationName: string;
  inviterName: string | null;
  role: string;
  days: number;
}): MailMessage {
  const who = input.inviterName ? `${input.inviterName} invited you` : "You have been invited";
  return renderMessage({
    kind: "invitation",
    to: input.to,
    subject: `Join ${input.organizationName} on Latch`,
    intro: [
      `${who} to join the workspace ${input.organizationName} as ${/^[aeiou]/.test(input.role) ? "an" : "a"} ${input.role}.`,
      "Accept to sign in, or to create your account with this email address if you have none.",
    ],
    action: { label: "Accept invitation", url: input.link },
    outro: [
      `The link works once and expires in ${input.days} days.`,
      "If you did not expect this invitation, you can ignore this message.",
    ],
  });
}
