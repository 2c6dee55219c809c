import type { Context } from "hono";
import type { UpstreamError } from "../connections/upstream-error.ts";
import type { LoginProviderRecord } from "../services/identity-providers/load-login-provider.ts";
import type { UpstreamSignInRefusal } from "../services/users/sign-in-with-upstream.ts";
import type { HttpDeps } from "./deps.ts";
import { sendErrorPage } from "./page-response.ts";

/** The readable page (and the log line) of a sign-in through a provider that failed upstream. */
export function upstreamLoginFailurePage(
  c: Context,
  deps: HttpDeps,
  provider: LoginProviderRecord | null,
  error: UpstreamError,
): Response {
  deps.logger.warn(
    { code: error.code, reason: error.message, identityProviderId: provider?.ref.id, kind: provider?.ref.kind },
    "upstream sign-in failed",
  );
  const name = provider?.label ?? "the identity provider";
  if (error.upstreamError === "access_denied") {
    return sendErrorPage(
      c,
      400,
      `Sign-in with ${name} was cancelled`,
      "Nothing was changed. Go back to the app to try again.",
    );
  }
  if (error.code === "upstream_misconfigured") {
    return sendErrorPage(
      c,
      400,
      `Sign-in with ${name} isn't set up correctly`,
      "The app's administrator needs to fix this sign-in option. You can sign in another way.",
    );
  }
  return sendErrorPage(
    c,
    502,
    `We couldn't sign you in with ${name}`,
    `${name} didn't answer as expected, so nothing was changed. Try again in a moment, or sign in another way.`,
  );
}

const REFUSAL_MESSAGES: Record<UpstreamSignInRefusal, string> = {
  email_missing: "didn't share an email address with us, which a new account needs.",
  email_not_verified:
    "says your email address isn't verified, and an account with that address already exists here. Sign in with your password, or verify the address and try again.",
  account_email_unverified:
    "shares your email address with an account here whose address was never verified, so we can't link them. Sign in the way you did before.",
  email_conflict: "is linked to an account that changed at the same moment. Please try again.",
};

/** The readable page (and the log line) of a sign-in Latch refused to link or create. */
export function upstreamLoginRefusalPage(
  c: Context,
  deps: HttpDeps,
  provider: LoginProviderRecord,
  refusal: UpstreamSignInRefusal,
): Response {
  deps.logger.warn(
    { code: refusal, identityProviderId: provider.ref.id, kind: provider.ref.kind },
    "upstream sign-in refused",
  );
  return sendErrorPage(
    c,
    403,
    `We couldn't sign you in with ${provider.label}`,
    `${provider.label} ${REFUSAL_MESSAGES[refusal]}`,
  );
}
