import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { issueCsrfToken } from "./csrf.ts";
import type { HttpDeps } from "./deps.ts";
import { sendPage } from "./page-response.ts";
import type { Branding } from "./pages/branding.ts";
import { renderVerifyEmailGatePage } from "./pages/verify-email-gate-page.ts";

/**
 * Answers the "verify your email to continue" page (the organization's `requireVerifiedEmail`), for the authorize
 * endpoint in place of consent and for the resend form's answer.
 */
export function sendVerifyEmailGate(
  c: Context,
  deps: Pick<HttpDeps, "runtime">,
  input: {
    readonly status: ContentfulStatusCode;
    readonly branding: Branding | null;
    readonly session: { readonly sessionId: string; readonly user: { readonly email: string } };
    readonly returnTo: string;
    readonly notice?: string;
    readonly headers?: Record<string, string>;
  },
): Response {
  const csrfToken = issueCsrfToken(deps.runtime.csrfKey, { sessionId: input.session.sessionId });
  return sendPage(
    c,
    input.status,
    (nonce) =>
      renderVerifyEmailGatePage({
        branding: input.branding,
        email: input.session.user.email,
        returnTo: input.returnTo,
        csrfToken,
        nonce,
        ...(input.notice && { notice: input.notice }),
      }),
    { headers: input.headers ?? {} },
  );
}
