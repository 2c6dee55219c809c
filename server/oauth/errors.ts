/**
 * Every error code the protocol core raises: RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1 and OIDC Core §3.1.2.6.
 * Callers branch on these codes, never on message text.
 */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "access_denied"
  | "unsupported_response_type"
  | "server_error"
  | "temporarily_unavailable"
  | "invalid_token"
  | "insufficient_scope"
  | "login_required"
  | "consent_required"
  | "interaction_required"
  | "request_not_supported"
  | "request_uri_not_supported";

/** HTTP status of an error code; the one place codes map to HTTP (RFC 6749 §5.2, RFC 6750 §3.1). */
export function oauthErrorStatus(code: OAuthErrorCode): number {
  switch (code) {
    // §5.2 allows 400 for invalid_client, but a client that tried to authenticate must learn it failed with 401.
    case "invalid_client":
    case "invalid_token":
      return 401;
    case "insufficient_scope":
      return 403;
    case "server_error":
      return 500;
    case "temporarily_unavailable":
      return 503;
    default:
      return 400;
  }
}

/** An OAuth protocol error: a stable `code`, a precise `description` that never holds a secret, and its HTTP status (RFC 6749 §5.2). */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly description: string;
  readonly status: number;

  constructor(code: OAuthErrorCode, description: string) {
    super(description);
    this.name = new.target.name;
    this.code = code;
    this.description = description;
    this.status = oauthErrorStatus(code);
  }
}

/** `invalid_request`: a parameter is missing, repeated, malformed or unsupported (RFC 6749 §5.2). */
export class InvalidRequestError extends OAuthError {
  constructor(description: string) {
    super("invalid_request", description);
  }
}

/** `invalid_client`: client authentication failed (RFC 6749 §5.2). */
export class InvalidClientError extends OAuthError {
  constructor(description: string) {
    super("invalid_client", description);
  }
}

/** `invalid_grant`: the code or refresh token is invalid, expired, revoked or belongs to another client (RFC 6749 §5.2). */
export class InvalidGrantError extends OAuthError {
  constructor(description: string) {
    super("invalid_grant", description);
  }
}

/** `unauthorized_client`: this client may not use this grant or response type (RFC 6749 §5.2, §4.1.2.1). */
export class UnauthorizedClientError extends OAuthError {
  constructor(description: string) {
    super("unauthorized_client", description);
  }
}

/** `unsupported_grant_type`: the server does not know the grant type (RFC 6749 §5.2). */
export class UnsupportedGrantTypeError extends OAuthError {
  constructor(description: string) {
    super("unsupported_grant_type", description);
  }
}

/** `invalid_scope`: the scope is malformed, unknown or exceeds what may be granted (RFC 6749 §5.2, §4.1.2.1). */
export class InvalidScopeError extends OAuthError {
  constructor(description: string) {
    super("invalid_scope", description);
  }
}

/** `access_denied`: the resource owner or the server refused the request (RFC 6749 §4.1.2.1). */
export class AccessDeniedError extends OAuthError {
  constructor(description: string) {
    super("access_denied", description);
  }
}

/** `unsupported_response_type`: the server does not issue this response type (RFC 6749 §4.1.2.1). */
export class UnsupportedResponseTypeError extends OAuthError {
  constructor(description: string) {
    super("unsupported_response_type", description);
  }
}

/** `invalid_token`: the access token is missing, expired, revoked or malformed (RFC 6750 §3.1). */
export class InvalidTokenError extends OAuthError {
  constructor(description: string) {
    super("invalid_token", description);
  }
}

/** `insufficient_scope`: the access token lacks a scope the resource needs (RFC 6750 §3.1). */
export class InsufficientScopeError extends OAuthError {
  constructor(description: string) {
    super("insufficient_scope", description);
  }
}

/** `server_error`: an unexpected condition; the description must not reveal internals (RFC 6749 §4.1.2.1). */
export class ServerError extends OAuthError {
  constructor(description: string) {
    super("server_error", description);
  }
}

/** `temporarily_unavailable`: overload or maintenance (RFC 6749 §4.1.2.1). */
export class TemporarilyUnavailableError extends OAuthError {
  constructor(description: string) {
    super("temporarily_unavailable", description);
  }
}

/** `login_required`: `prompt=none` but the user is not signed in (OIDC Core §3.1.2.6). */
export class LoginRequiredError extends OAuthError {
  constructor(description: string) {
    super("login_required", description);
  }
}

/** `consent_required`: `prompt=none` but the user has not consented (OIDC Core §3.1.2.6). */
export class ConsentRequiredError extends OAuthError {
  constructor(description: string) {
    super("consent_required", description);
  }
}

/** `interaction_required`: `prompt=none` but the user must interact (OIDC Core §3.1.2.6). */
export class InteractionRequiredError extends OAuthError {
  constructor(description: string) {
    super("interaction_required", description);
  }
}

/** `request_not_supported`: the `request` parameter (a request object) is not supported (OIDC Core §3.1.2.6, §6). */
export class RequestNotSupportedError extends OAuthError {
  constructor(description: string) {
    super("request_not_supported", description);
  }
}

/** `request_uri_not_supported`: the `request_uri` parameter is not supported (OIDC Core §3.1.2.6, RFC 9101 §5.2). */
export class RequestUriNotSupportedError extends OAuthError {
  constructor(description: string) {
    super("request_uri_not_supported", description);
  }
}

/**
 * A description reduced to the characters RFC 6749 §5.2 allows in `error_description`
 * (%x20-21 / %x23-5B / %x5D-7E): double quotes become single quotes, anything else outside the set becomes "?".
 */
export function toErrorDescription(description: string): string {
  // Descriptions quote parameter names in double quotes for readability; the wire format forbids them.
  return description.replaceAll('"', "'").replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "?");
}

/** The JSON error body of the token, revocation and introspection endpoints (RFC 6749 §5.2). */
export function toOAuthErrorBody(error: OAuthError): { error: string; error_description: string } {
  return { error: error.code, error_description: toErrorDescription(error.description) };
}
