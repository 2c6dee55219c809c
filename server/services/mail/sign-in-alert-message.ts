import type { MailMessage } from "./mailer.ts";
import { renderMessage } from "./render-message.ts";

/**
 * "New sign-in to your account", for a user who turned sign-in alerts on: when, how, from which device and address,
 * with the sessions page (where that session can be ended) as the one action.
 */
export function signInAlertMessage(input: {
  to: string;
  at: Date;
  method: string;
  device: string | null;
  address: string | null;
  sessionsUrl: string;
}): MailMessage {
  const how = SIGN_IN_METHODS[input.method] ?? "a sign-in";
  return renderMessage({
    kind: "sign_in_alert",
    to: input.to,
    subject: "New sign-in to your account",
    intro: [
      `Your account was signed in to with ${how} on ${input.at.toUTCString()}.`,
      `Device: ${input.device ?? "unknown"}. Address: ${input.address ?? "unknown"}.`,
    ],
    action: { label: "Review your sessions", url: input.sessionsUrl },
    outro: [
      "If this was you, there is nothing to do.",
      "If it was not, end that session on the sessions page and change your password.",
      "You get these messages because you turned on sign-in alerts in your profile.",
    ],
  });
}

const SIGN_IN_METHODS: Record<string, string> = {
  password: "your password",
  upstream: "an identity provider",
  email_link: "an email verification link",
};
