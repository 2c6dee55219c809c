import * as oauth from "oauth4webapi";

export type UpstreamErrorCode =
  /** Could not connect, or no answer within the timeout. */
  | "upstream_unreachable"
  /** It answered something that is not the protocol's JSON (an HTML error page, a malformed body). */
  | "upstream_bad_response"
  /** It answered with an OAuth error (`upstreamError` holds its `error` code). */
  | "upstream_error"
  /** The id_token failed validation (issuer, audience, nonce, signature, expiry). */
  | "upstream_id_token_invalid"
  /** The callback matches no pending flow: unknown, replayed, expired, or started in another browser. */
  | "upstream_flow_invalid"
  /** The provider or integration configuration cannot work (missing endpoint, discovery failed). */
  | "upstream_misconfigured";

/**
 * A failure talking to a third party, with a stable code and a message safe to log and show an admin: it names what
 * failed, never a token, a secret or a code.
 */
export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode;
  /** The upstream's own `error` code for `upstream_error` (e.g. `invalid_grant`). */
  readonly upstreamError: string | undefined;
  constructor(code: UpstreamErrorCode, message: string, options: { upstreamError?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UpstreamError";
    this.code = code;
    this.upstreamError = options.upstreamError;
  }
}

const ID_TOKEN_CHECKS = new Set<string>([
  oauth.JWT_CLAIM_COMPARISON,
  oauth.JWT_TIMESTAMP_CHECK,
  oauth.KEY_SELECTION,
  oauth.JSON_ATTRIBUTE_COMPARISON,
]);

/**
 * The OAuth error a `WWW-Authenticate` answer stands for: the `error` parameter when a challenge names one; otherwise
 * a Bearer (or DPoP) challenge refuses a token (RFC 6750 §3.1: invalid_token), and any other scheme, Basic above all,
 * refuses the client's own authentication (RFC 6749 §5.2: invalid_client, "MUST include the WWW-Authenticate header").
 */
function challengeError(challenges: readonly oauth.WWWAuthenticateChallenge[]): string {
  const named = challenges.find((challenge) => typeof challenge.parameters.error === "string");
  if (named) return named.parameters.error!;
  const tokenSchemes = new Set(["bearer", "dpop"]);
  return challenges.some((challenge) => tokenSchemes.has(challenge.scheme)) ? "invalid_token" : "invalid_client";
}

/** Maps whatever oauth4webapi or fetch threw into an {@link UpstreamError}; `what` names the call ("token request"). */
export function toUpstreamError(error: unknown, what: string): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.AuthorizationResponseError) {
    const description = error.error_description ? `: ${error.error_description.slice(0, 200)}` : "";
    return new UpstreamError("upstream_error", `${what} failed with ${error.error}${description}`, {
      upstreamError: error.error,
      cause: error,
    });
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const code = challengeError(error.cause);
    return new UpstreamError("upstream_error", `${what} was refused with ${code} (HTTP ${error.status})`, {
      upstreamError: code,
      cause: error,
    });
  }
  if (error instanceof oauth.OperationProcessingError) {
    if (
      ID_TOKEN_CHECKS.has(error.code ?? "") &&
      /id_token|ID Token|JWT|"(iss|aud|nonce|azp|exp|iat)"/i.test(error.message)
    ) {
      return new UpstreamError("upstream_id_token_invalid", `${what}: the id_token is invalid (${error.message})`, {
        cause: error,
      });
    }
    return new UpstreamError("upstream_bad_response", `${what}: unexpected response (${error.message})`, {
      cause: error,
    });
  }
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new UpstreamError("upstream_unreachable", `${what} timed out`, { cause: error });
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    const reason = (error.cause as { code?: string } | undefined)?.code;
    return new UpstreamError("upstream_unreachable", `${what}: could not connect${reason ? ` (${reason})` : ""}`, {
      cause: error,
    });
  }
  if (error instanceof oauth.UnsupportedOperationError) {
    return new UpstreamError("upstream_misconfigured", `${what}: ${error.message}`, { cause: error });
  }
  return new UpstreamError(
    "upstream_bad_response",
    `${what}: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
    },
  );
}
