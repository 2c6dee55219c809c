import type { MailMessage } from "./mailer.ts";
import { renderMessage } from "./render-message.ts";

/**
 * Told to the owner of an address someone tried to sign up with: the sign-up page answers the same whether or not
 * an account exists, so this message is how the real owner (and only they) learns of it, with a way to sign in.
 */
export function signUpExistingAccountMessage(input: { to: string; signInUrl: string; resetUrl: string }): MailMessage {
  return renderMessage({
    kind: "sign_up_existing_account",
    to: input.to,
    subject: "You already have an account",
    intro: [
      "Someone, probably you, tried to create an account with this email address. You already have one, so nothing was created.",
      "Sign in with your password instead.",
    ],
    action: { label: "Sign in", url: input.signInUrl },
    outro: [
      `Forgot your password? Choose a new one at ${input.resetUrl}`,
      "If it was not you, you can ignore this message: your account is unchanged.",
    ],
  });
}
