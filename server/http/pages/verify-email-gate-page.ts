import { renderAccountFormPage } from "./account-form-page.ts";
import type { Branding } from "./branding.ts";

/** Where the "Resend verification email" form posts. */
export const RESEND_VERIFICATION_PATH = "/verify-email/resend";

export type VerifyEmailGatePageInput = {
  readonly branding: Branding | null;
  readonly email: string;
  /** Where to continue once verified: the authorization request that was stopped. */
  readonly returnTo: string;
  /** Bound to the signed-in session. */
  readonly csrfToken: string;
  readonly nonce: string;
  /** A sentence about the resend (sent, or too many), shown in the alert. */
  readonly notice?: string;
};

/**
 * Shown in place of consent when the app's organization requires a verified email and the signed-in user's is not:
 * what to do (open the mailed link), a resend button, and a way on once it is done.
 */
export function renderVerifyEmailGatePage(input: VerifyEmailGatePageInput): string {
  const app = input.branding?.name;
  return renderAccountFormPage({
    title: app ? `Verify your email to continue to ${app}` : "Verify your email to continue",
    intro: `${app ?? "This app"} needs a verified email address. Open the link we sent to ${input.email}, then continue. No message? Send a new one.`,
    action: RESEND_VERIFICATION_PATH,
    submitLabel: "Resend verification email",
    csrfToken: input.csrfToken,
    hidden: { return_to: input.returnTo },
    fields: [],
    ...(input.notice && { error: input.notice }),
    links: [
      { label: "I've verified it, continue", href: input.returnTo },
      { label: "Sign out", href: "/logout" },
    ],
    branding: input.branding,
    nonce: input.nonce,
  });
}
