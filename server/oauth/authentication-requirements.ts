/**
 * Authentication Context Class References (OIDC Core §2 `acr`) Latch issues. `acr` values are left to the parties to
 * define (OIDC Core §2: "parties using this claim will need to agree upon the meanings"), so Latch names its own two
 * levels under its own URN rather than reuse an assurance framework's numbers it does not certify against:
 * - `urn:latch:acr:sfa`: one factor (a password, an identity provider's account, an emailed link);
 * - `urn:latch:acr:mfa`: a second factor was proved too (the session's `amr` holds `mfa`, RFC 8176 §2).
 */
export const ACR = { singleFactor: "urn:latch:acr:sfa", multiFactor: "urn:latch:acr:mfa" } as const;

/** Discovery's `acr_values_supported` (OIDC Discovery §3), weakest first. */
export const ACR_VALUES_SUPPORTED = [ACR.singleFactor, ACR.multiFactor] as const;

/** The `acr` of an authentication whose methods were `amr` (RFC 8176): multi-factor exactly when `mfa` is there. */
export function acrFor(amr: readonly string[] | null | undefined): string {
  return amr?.includes("mfa") ? ACR.multiFactor : ACR.singleFactor;
}

/**
 * Whether `acr_values` (OIDC Core §3.1.2.1, space-separated, in order of preference) asks for multi-factor: every
 * value Latch knows in it is `urn:latch:acr:mfa`. A list that also accepts the single-factor level is satisfied by
 * it; values Latch does not know are ignored (acr is a voluntary claim, §5.5.1.1: the ID token's `acr` says what
 * happened, and the client checks it).
 */
export function requiresMultiFactor(acrValues: readonly string[]): boolean {
  const known = acrValues.filter((value) => (ACR_VALUES_SUPPORTED as readonly string[]).includes(value));
  return known.length > 0 && known.every((value) => value === ACR.multiFactor);
}

export type AuthenticationRequest = {
  readonly prompt: "none" | "consent" | "login" | undefined;
  /** `max_age` in seconds (OIDC Core §3.1.2.1). */
  readonly maxAge: number | undefined;
  readonly acrValues: readonly string[];
};

/** What the authorization endpoint must do before it may answer from the session. */
export type AuthenticationDecision =
  | { readonly kind: "ok" }
  /** Sign in (again): there is no session, `prompt=login` asks for a fresh sign-in, or `max_age` has passed. */
  | { readonly kind: "login"; readonly reason: "no_session" | "prompt_login" | "max_age" }
  /** The session is single-factor and `acr_values` asks for multi-factor: the second step (or enrolment). */
  | { readonly kind: "second_factor" };

/**
 * Whether the browser's session satisfies the request's authentication requirements (OIDC Core §3.1.2.1 `prompt`,
 * `max_age`, `acr_values`; §3.1.2.3: the server MUST NOT answer from a session that does not meet them).
 *
 * `freshSince` is when this request last sent the person to sign in again (the marker the authorization endpoint
 * carries through the login page): a session authenticated at or after it is the fresh sign-in that `prompt=login`
 * and `max_age` asked for, so the round trip ends instead of looping (`max_age=0` included).
 */
export function decideAuthentication(input: {
  readonly request: AuthenticationRequest;
  readonly session: { readonly authTime: Date; readonly amr: readonly string[] } | null;
  readonly freshSince: Date | undefined;
  readonly now: Date;
}): AuthenticationDecision {
  const { request, session, freshSince, now } = input;
  if (!session) return { kind: "login", reason: "no_session" };
  const freshlySignedIn = freshSince !== undefined && session.authTime.getTime() >= freshSince.getTime();
  if (!freshlySignedIn) {
    // §3.1.2.1 prompt=login: "SHOULD prompt the End-User for reauthentication".
    if (request.prompt === "login") return { kind: "login", reason: "prompt_login" };
    // §3.1.2.1 max_age: "If the elapsed time is greater than this value, the OP MUST attempt to actively
    // re-authenticate the End-User."
    if (request.maxAge !== undefined && now.getTime() - session.authTime.getTime() > request.maxAge * 1000) {
      return { kind: "login", reason: "max_age" };
    }
  }
  if (requiresMultiFactor(request.acrValues) && acrFor(session.amr) !== ACR.multiFactor) {
    return { kind: "second_factor" };
  }
  return { kind: "ok" };
}
