import type { AuthorizeRequest } from "./authorize-request.ts";
import {
  AccessDeniedError,
  ConsentRequiredError,
  InteractionRequiredError,
  LoginRequiredError,
  type OAuthError,
} from "./errors.ts";

/** `prompt=login` is satisfied by a sign-in this recent (the round trip through the login page). */
export const FRESH_LOGIN_MS = 2 * 60_000;

/**
 * What the authorization endpoint does next with a valid request. `error` goes back to the client when the request
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
 * The sign-in step (OIDC Core §3.1.2.1 `prompt`): no session, or `prompt=login` with a sign-in older than
 * {@link FRESH_LOGIN_MS}, sends the person to the login page; `prompt=none` forbids that and answers
 * `login_required` instead, when there is a redirect URI to answer at. Null: signed in, go on.
 *
 * @example
 * ```ts
 * const step = signInStep(request, session?.authTime ?? null, now);
 * ```
 */
export function signInStep(request: Request, authTime: Date | null, now: Date): LoginStep | ErrorStep | null {
  const stale = request.prompt === "login" && authTime !== null && now.getTime() - authTime.getTime() > FRESH_LOGIN_MS;
  if (authTime !== null && !stale) return null;
  if (request.prompt === "none" && request.redirectUri) {
    return { kind: "error", error: new LoginRequiredError("the user is not signed in") };
  }
  return { kind: "login", reauthenticate: stale };
}

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
