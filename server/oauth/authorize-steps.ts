import type { AuthorizeRequest } from "./authorize-request.ts";
import { AccessDeniedError, ConsentRequiredError, InteractionRequiredError, type OAuthError } from "./errors.ts";

/**
 * What the authorization endpoint does next with a valid request, once authentication-requirements.ts decided the
 * person is signed in as the request asks (prompt, max_age, acr_values). `error` goes back to the client when the request
 * has a redirect URI (RFC 6749 §4.1.2.1), or is shown to the person when it has none.
 */
export type LoginStep = { readonly kind: "login"; readonly reauthenticate: boolean };
export type ErrorStep = { readonly kind: "error"; readonly error: OAuthError };
export type AuthorizeStep =
  | LoginStep
  | ErrorStep
  | { readonly kind: "verify_email" }
  | { readonly kind: "issue_code"; readonly redirectUri: string }
  | { readonly kind: "consent" };

type Request = Pick<AuthorizeRequest, "prompt" | "redirectUri" | "bot">;

/**
 * An organization that requires verified email issues no code (not even for a remembered grant) until the address is
 * verified: the verify-email gate, or `interaction_required` under `prompt=none`, which forbids showing it.
 */
export function unverifiedEmailStep(request: Request): ErrorStep | { readonly kind: "verify_email" } {
  if (request.prompt === "none") {
    return { kind: "error", error: new InteractionRequiredError("the user must verify their email address first") };
  }
  return { kind: "verify_email" };
}

/**
 * A grant that already covers the request issues a code at once (RFC 6749 §4.1.1: the server may skip a consent it
 * already has); without one, `prompt=none` answers `consent_required`. Null: ask for consent.
 */
export function reuseStep(
  request: Request,
  reusableGrant: boolean,
): ErrorStep | { readonly kind: "issue_code"; readonly redirectUri: string } | null {
  if (reusableGrant && request.redirectUri) return { kind: "issue_code", redirectUri: request.redirectUri };
  if (request.prompt !== "none") return null;
  const description = request.redirectUri ? "the user has not authorized this app yet" : "consent is required";
  return { kind: "error", error: new ConsentRequiredError(description) };
}

/**
 * The consent page, unless a bot install has no workspace the person may install it to (`access_denied`):
 * `eligibleWorkspaces` counts what `eligibleWorkspaces` (consent.ts) returns for the request.
 */
export function consentStep(request: Request, eligibleWorkspaces: number): ErrorStep | { readonly kind: "consent" } {
  if (request.bot && eligibleWorkspaces === 0) {
    return {
      kind: "error",
      error: new AccessDeniedError("you need to be an owner or admin of the workspace to install this bot"),
    };
  }
  return { kind: "consent" };
}
