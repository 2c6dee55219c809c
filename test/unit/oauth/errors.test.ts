import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  ConsentRequiredError,
  InsufficientScopeError,
  InteractionRequiredError,
  InvalidClientError,
  InvalidGrantError,
  InvalidRequestError,
  InvalidScopeError,
  InvalidTokenError,
  LoginRequiredError,
  OAuthError,
  oauthErrorStatus,
  RequestNotSupportedError,
  RequestUriNotSupportedError,
  ServerError,
  TemporarilyUnavailableError,
  toOAuthErrorBody,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
  UnsupportedResponseTypeError,
} from "../../../server/oauth/errors.ts";

describe("OAuth errors", () => {
  it("gives every subclass its RFC code, HTTP status and description as message", () => {
    const cases: [OAuthError, string, number][] = [
      [new InvalidRequestError("d"), "invalid_request", 400],
      [new InvalidClientError("d"), "invalid_client", 401],
      [new InvalidGrantError("d"), "invalid_grant", 400],
      [new UnauthorizedClientError("d"), "unauthorized_client", 400],
      [new UnsupportedGrantTypeError("d"), "unsupported_grant_type", 400],
      [new InvalidScopeError("d"), "invalid_scope", 400],
      [new AccessDeniedError("d"), "access_denied", 400],
      [new UnsupportedResponseTypeError("d"), "unsupported_response_type", 400],
      [new InvalidTokenError("d"), "invalid_token", 401],
      [new InsufficientScopeError("d"), "insufficient_scope", 403],
      [new ServerError("d"), "server_error", 500],
      [new TemporarilyUnavailableError("d"), "temporarily_unavailable", 503],
      [new LoginRequiredError("d"), "login_required", 400],
      [new ConsentRequiredError("d"), "consent_required", 400],
      [new InteractionRequiredError("d"), "interaction_required", 400],
      [new RequestNotSupportedError("d"), "request_not_supported", 400],
      [new RequestUriNotSupportedError("d"), "request_uri_not_supported", 400],
    ];
    for (const [error, code, status] of cases) {
      expect(error).toBeInstanceOf(OAuthError);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ code, status, description: "d", message: "d" });
      expect(error.name).toBe(error.constructor.name);
    }
  });

  it("maps codes to HTTP status in one function", () => {
    expect(oauthErrorStatus("invalid_client")).toBe(401);
    expect(oauthErrorStatus("invalid_token")).toBe(401);
    expect(oauthErrorStatus("insufficient_scope")).toBe(403);
    expect(oauthErrorStatus("server_error")).toBe(500);
    expect(oauthErrorStatus("temporarily_unavailable")).toBe(503);
    expect(oauthErrorStatus("invalid_grant")).toBe(400);
  });

  it("builds the RFC 6749 §5.2 body with only characters error_description allows", () => {
    expect(toOAuthErrorBody(new InvalidGrantError("the authorization code has expired"))).toEqual({
      error: "invalid_grant",
      error_description: "the authorization code has expired",
    });
    const body = toOAuthErrorBody(new InvalidRequestError('"code" parameter must not be repeated\\ é\n'));
    expect(body.error_description).toBe("'code' parameter must not be repeated? ??");
    expect(body.error_description).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/);
  });
});
