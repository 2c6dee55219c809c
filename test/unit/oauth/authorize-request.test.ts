import { describe, expect, it } from "vitest";
import {
  type AuthorizeClient,
  buildAuthorizationRedirect,
  validateAuthorizeRequest,
} from "../../../server/oauth/authorize-request.ts";

const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const CALLBACK = "https://app.example.com/callback";

const confidential: AuthorizeClient = {
  clientId: "app_conf",
  type: "confidential",
  isActive: true,
  redirectUris: [CALLBACK],
  allowedScopes: ["identify", "email", "bot", "all"],
  grantTypes: ["authorization_code", "refresh_token"],
};
const publicClient: AuthorizeClient = {
  ...confidential,
  clientId: "app_pub",
  type: "public",
  redirectUris: [CALLBACK, "http://127.0.0.1/cb"],
};

function validate(query: Record<string, string> | string, client: AuthorizeClient | null = confidential) {
  const params = new URLSearchParams(
    typeof query === "string" ? query : { response_type: "code", client_id: client?.clientId ?? "app_x", ...query },
  );
  return validateAuthorizeRequest(params, client);
}

const errorPage = (code: string, description?: RegExp) => ({
  kind: "error_page",
  error: expect.objectContaining({ code, ...(description ? { description: expect.stringMatching(description) } : {}) }),
});
const redirectError = (code: string, description?: RegExp, state?: string) => ({
  kind: "redirect_error",
  redirectUri: CALLBACK,
  state,
  error: expect.objectContaining({ code, ...(description ? { description: expect.stringMatching(description) } : {}) }),
});

describe("validateAuthorizeRequest: before the redirect URI is trusted", () => {
  it("never redirects for an unknown, mismatched or inactive client", () => {
    expect(validate({}, null)).toEqual(errorPage("invalid_client"));
    expect(validate("response_type=code&client_id=app_other", confidential)).toEqual(errorPage("invalid_client"));
    expect(validate({}, { ...confidential, isActive: false })).toEqual(errorPage("invalid_client", /disabled/));
    expect(validate("response_type=code", confidential)).toEqual(errorPage("invalid_request", /client_id is required/));
  });

  it("never redirects to a redirect_uri that does not match a registered one", () => {
    expect(validate({ redirect_uri: "https://evil.example/callback" })).toEqual(
      errorPage("invalid_request", /^redirect_uri does not match any registered redirect URI$/),
    );
    expect(validate({ redirect_uri: `${CALLBACK}/` })).toMatchObject({ kind: "error_page" });
  });

  it("rejects a repeated client_id or redirect_uri on the error page", () => {
    expect(validate(`client_id=app_conf&client_id=app_conf&response_type=code`)).toEqual(
      errorPage("invalid_request", /"client_id" parameter must not be repeated/),
    );
    expect(validate(`client_id=app_conf&redirect_uri=${CALLBACK}&redirect_uri=${CALLBACK}`)).toEqual(
      errorPage("invalid_request", /"redirect_uri" parameter must not be repeated/),
    );
  });

  it("uses the single registered redirect URI when none is given, and refuses to guess among several", () => {
    const ok = validate({});
    expect(ok).toMatchObject({ kind: "ok", request: { redirectUri: CALLBACK, redirectUriProvided: false } });
    expect(validate({ code_challenge: CHALLENGE, code_challenge_method: "S256" }, publicClient)).toEqual(
      errorPage("invalid_request", /several redirect URIs/),
    );
    expect(validate({}, { ...confidential, redirectUris: [] })).toEqual(errorPage("invalid_request", /no registered/));
  });
});

describe("validateAuthorizeRequest: once the redirect URI is trusted", () => {
  it("accepts a full request and keeps state and nonce exactly as sent", () => {
    const result = validate({
      redirect_uri: CALLBACK,
      scope: "identify email",
      state: "a b+c/=é",
      nonce: "n-0S6_WzA2Mj",
      prompt: "consent",
      code_challenge: CHALLENGE,
      code_challenge_method: "S256",
    });
    expect(result).toEqual({
      kind: "ok",
      request: {
        clientId: "app_conf",
        redirectUri: CALLBACK,
        redirectUriProvided: true,
        scopes: ["identify", "email"],
        state: "a b+c/=é",
        nonce: "n-0S6_WzA2Mj",
        codeChallenge: CHALLENGE,
        codeChallengeMethod: "S256",
        prompt: "consent",
        maxAge: undefined,
        acrValues: [],
        bot: undefined,
      },
    });
  });

  it("returns the loopback URI with the port the native client used", () => {
    const result = validate(
      { redirect_uri: "http://127.0.0.1:49152/cb", code_challenge: CHALLENGE, code_challenge_method: "S256" },
      publicClient,
    );
    expect(result).toMatchObject({ kind: "ok", request: { redirectUri: "http://127.0.0.1:49152/cb" } });
  });

  it("accepts an empty scope as no scopes", () => {
    expect(validate({ scope: "" })).toMatchObject({ kind: "ok", request: { scopes: [] } });
  });

  it("redirects other repeated parameters back with state withheld when it is the one repeated", () => {
    expect(validate("client_id=app_conf&response_type=code&scope=identify&scope=email&state=s1")).toEqual(
      redirectError("invalid_request", /"scope" parameter must not be repeated/, "s1"),
    );
    expect(validate("client_id=app_conf&response_type=code&state=s1&state=s2")).toEqual(
      redirectError("invalid_request", /"state" parameter must not be repeated/, undefined),
    );
  });

  it("refuses request and request_uri rather than ignore them (OIDC Core §6, RFC 9101) (#20 item 9)", () => {
    expect(validate({ request: "eyJhbGciOiJub25lIn0.e30.", state: "s" })).toEqual(
      redirectError("request_not_supported", /request parameter/, "s"),
    );
    expect(validate({ request_uri: "urn:ietf:params:oauth:request_uri:abc", state: "s" })).toEqual(
      redirectError("request_uri_not_supported", /request_uri parameter/, "s"),
    );
    expect(validate({ request: "x", redirect_uri: "https://evil.example/cb" })).toEqual(
      errorPage("invalid_request", /redirect_uri does not match/),
    );
  });

  it("refuses any repeated parameter and more than 100 parameters (RFC 6749 §3.1) (#20 item 10)", () => {
    expect(validate("client_id=app_conf&response_type=code&foo=1&foo=2&state=s1")).toEqual(
      redirectError("invalid_request", /"foo" parameter must not be repeated/, "s1"),
    );
    const flood = Array.from({ length: 100 }, (_, i) => `x${i}=1`).join("&");
    expect(validate(`client_id=app_conf&response_type=code&${flood}`)).toEqual(
      errorPage("invalid_request", /at most 100 parameters/),
    );
    const hundred = `client_id=app_conf&response_type=code&${flood.split("&").slice(2).join("&")}`;
    expect(validate(hundred)).toMatchObject({ kind: "ok" });
  });

  it("redirects unsupported_response_type and invalid_request for response_type", () => {
    expect(validate({ response_type: "token", state: "s" })).toEqual(
      redirectError("unsupported_response_type", /only response_type "code"/, "s"),
    );
    expect(validate("client_id=app_conf")).toEqual(redirectError("invalid_request", /response_type is required/));
    expect(validate({ response_mode: "fragment" })).toEqual(redirectError("invalid_request", /response_mode/));
  });

  it("redirects unauthorized_client when the client lacks the authorization_code grant", () => {
    expect(validate({}, { ...confidential, grantTypes: ["client_credentials"] })).toEqual(
      redirectError("unauthorized_client"),
    );
  });

  it("redirects invalid_scope for a malformed or disallowed scope", () => {
    expect(validate({ scope: 'identify "x' })).toEqual(redirectError("invalid_scope", /scope token 2/));
    expect(validate({ scope: "identify guilds" })).toEqual(redirectError("invalid_scope", /"guilds" is not allowed/));
  });

  it("requires S256 PKCE from public clients and refuses plain from anyone", () => {
    const pub = { ...publicClient, redirectUris: [CALLBACK] };
    expect(validate({}, pub)).toEqual(
      redirectError("invalid_request", /code_challenge is required for public clients/),
    );
    expect(validate({ code_challenge: CHALLENGE, code_challenge_method: "plain" })).toEqual(
      redirectError("invalid_request", /"plain" is not supported/),
    );
    expect(validate({ code_challenge: CHALLENGE })).toEqual(redirectError("invalid_request", /only S256/));
  });

  it("refuses prompt values other than none, consent or login, and combinations", () => {
    for (const prompt of ["none", "consent", "login"]) {
      expect(validate({ prompt })).toMatchObject({ kind: "ok", request: { prompt } });
    }
    expect(validate({ prompt: "none consent" })).toEqual(redirectError("invalid_request", /single value/));
    expect(validate({ prompt: "select_account" })).toEqual(redirectError("invalid_request", /prompt must be/));
  });
});

describe("validateAuthorizeRequest: bot installs", () => {
  it("installs without a redirect URI, even when several are registered", () => {
    const client = { ...confidential, redirectUris: [CALLBACK, "https://app.example.com/other"] };
    const result = validate("client_id=app_conf&scope=bot&permissions=0008&guild_id=g_123", client);
    expect(result).toEqual({
      kind: "ok",
      request: expect.objectContaining({
        redirectUri: undefined,
        redirectUriProvided: false,
        scopes: ["bot"],
        bot: { permissions: "8", guildId: "g_123" },
      }),
    });
  });

  it("needs permissions as a non-negative decimal integer below 2^53", () => {
    expect(validate("client_id=app_conf&scope=bot&permissions=9007199254740991")).toMatchObject({
      kind: "ok",
      request: { bot: { permissions: "9007199254740991", guildId: undefined } },
    });
    for (const permissions of ["", "-1", "1.5", "0x10", "9007199254740992", "1e3"]) {
      expect(validate(`client_id=app_conf&scope=bot&permissions=${permissions}`), permissions).toEqual(
        errorPage("invalid_request", /permissions/),
      );
    }
  });

  it("shows errors on the error page when there is no redirect URI, and redirects them when there is", () => {
    expect(validate("client_id=app_conf&scope=bot+guilds&permissions=8")).toEqual(errorPage("invalid_scope"));
    expect(validate({ redirect_uri: CALLBACK, scope: "bot", state: "s" })).toEqual(
      redirectError("invalid_request", /permissions is required/, "s"),
    );
  });
});

describe("buildAuthorizationRedirect", () => {
  it("appends the response parameters, skipping undefined ones", () => {
    expect(buildAuthorizationRedirect(CALLBACK, { code: "c1", state: undefined, iss: "https://latch.example" })).toBe(
      `${CALLBACK}?code=c1&iss=https%3A%2F%2Flatch.example`,
    );
  });

  it("keeps the registered query exactly and encodes the error", () => {
    expect(
      buildAuthorizationRedirect("https://app.example.com/cb?tenant=a%20b", {
        error: "access_denied",
        error_description: "the user denied access",
        state: "x&y",
      }),
    ).toBe(
      "https://app.example.com/cb?tenant=a%20b&error=access_denied&error_description=the+user+denied+access&state=x%26y",
    );
    expect(buildAuthorizationRedirect("com.example.app:/cb?", { code: "c" })).toBe("com.example.app:/cb?code=c");
    expect(buildAuthorizationRedirect(CALLBACK, {})).toBe(CALLBACK);
  });
});
