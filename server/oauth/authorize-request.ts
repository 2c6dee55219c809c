import {
  InvalidClientError,
  InvalidRequestError,
  OAuthError,
  RequestNotSupportedError,
  RequestUriNotSupportedError,
  UnauthorizedClientError,
  UnsupportedResponseTypeError,
} from "./errors.ts";
import { findRepeatedParam, MAX_PARAMS } from "./form-params.ts";
import { checkCodeChallenge } from "./pkce.ts";
import { matchRedirectUri, requiresPkce } from "./redirect-uri.ts";
import { checkScopesAllowed, parseScopeParam } from "./scopes.ts";

export { buildAuthorizationRedirect } from "./authorization-response.ts";

/** The settings of the client named by `client_id` that the authorization endpoint needs. */
export type AuthorizeClient = {
  clientId: string;
  type: "confidential" | "public";
  isActive: boolean;
  redirectUris: readonly string[];
  allowedScopes: readonly string[];
  grantTypes: readonly string[];
};

/** A bot install (`scope=bot`): the permission bitfield asked for and, optionally, the workspace to install into. */
export type BotInstall = {
  permissions: string /* decimal string of a non-negative integer < 2^53 */;
  guildId: string | undefined;
};

/** A validated authorization request, ready for login and consent. */
export type AuthorizeRequest = {
  clientId: string;
  /** Undefined only for a bot install without redirect. */
  redirectUri: string | undefined;
  /**
   * Whether the request itself carried `redirect_uri` (false when the single registered one was used). Only then
   * must the token request repeat it (RFC 6749 §4.1.3), so the code stores `redirectUri` when this is not false.
   */
  redirectUriProvided?: boolean;
  scopes: string[];
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: "S256" | undefined;
  prompt: "none" | "consent" | "login" | undefined;
  /** `max_age` (OIDC Core §3.1.2.1): the most seconds since the user last authenticated actively. */
  maxAge?: number | undefined;
  /** `acr_values` (OIDC Core §3.1.2.1), in order of preference; empty when absent. */
  acrValues?: readonly string[];
  bot: BotInstall | undefined;
};

/** The outcome of validating an authorization request; `error_page` must never redirect (RFC 6749 §4.1.2.1). */
export type AuthorizeValidation =
  | { kind: "error_page"; error: OAuthError }
  | { kind: "redirect_error"; redirectUri: string; error: OAuthError; state: string | undefined }
  | { kind: "ok"; request: AuthorizeRequest };

const PARAMS = [
  "client_id",
  "redirect_uri",
  "response_type",
  "response_mode",
  "scope",
  "state",
  "nonce",
  "prompt",
  "max_age",
  "acr_values",
  "code_challenge",
  "code_challenge_method",
  "permissions",
  "guild_id",
  "request",
  "request_uri",
] as const;
const PROMPTS = ["none", "consent", "login"] as const;
// A decimal bitfield below 2^53 fits in 16 digits and survives JSON and JavaScript numbers exactly.
const PERMISSIONS = /^\d{1,16}$/;
const GUILD_ID = /^[A-Za-z0-9_-]{1,64}$/;
// Up to ~31 years in seconds: enough for any policy, and an exact integer.
const MAX_AGE = /^\d{1,9}$/;
const MAX_ACR_VALUES = 10;
const ACR_VALUE = /^[\x21-\x7e]{1,200}$/;

const repeatedError = (name: string) => new InvalidRequestError(`"${name}" parameter must not be repeated`);

/**
 * Validates an authorization request (RFC 6749 §4.1.1) in the order that keeps it safe: until the client and the
 * redirect URI are established every error is shown on an error page, since redirecting to an unverified URI is
 * an open redirector (§4.1.2.1, RFC 9700 §4.11); after that, errors go back to the client (§4.1.2.1).
 */
export function validateAuthorizeRequest(params: URLSearchParams, client: AuthorizeClient | null): AuthorizeValidation {
  const errorPage = (error: OAuthError): AuthorizeValidation => ({ kind: "error_page", error });
  const get = (name: (typeof PARAMS)[number]) => params.get(name) || undefined;

  // A flood of parameters is refused before anything is read (RFC 6749 §3.1 sets no limit; Latch sets one).
  if (params.size > MAX_PARAMS) {
    return errorPage(new InvalidRequestError(`a request may carry at most ${MAX_PARAMS} parameters`));
  }
  const untrusted = findRepeatedParam(params, ["client_id", "redirect_uri"]);
  if (untrusted !== undefined) return errorPage(repeatedError(untrusted));
  const clientId = get("client_id");
  if (clientId === undefined) return errorPage(new InvalidRequestError("client_id is required"));
  if (client === null || client.clientId !== clientId) {
    return errorPage(new InvalidClientError("client_id does not identify a registered client"));
  }
  if (!client.isActive) return errorPage(new InvalidClientError("this client is disabled"));

  const requestedRedirect = get("redirect_uri");
  // Raw detection: the bot flow decides whether a redirect URI is needed before the scope is validated.
  const isBot = params.getAll("scope").some((value) => value.split(" ").includes("bot"));
  let redirectUri: string | undefined;
  if (requestedRedirect !== undefined) {
    const matched = matchRedirectUri(requestedRedirect, client.redirectUris);
    if (matched === null) {
      return errorPage(new InvalidRequestError("redirect_uri does not match any registered redirect URI"));
    }
    redirectUri = matched;
  } else if (!isBot) {
    // §3.1.2.3: without redirect_uri the registration must pin exactly one.
    if (client.redirectUris.length !== 1) {
      return errorPage(
        new InvalidRequestError(
          client.redirectUris.length === 0
            ? "redirect_uri is required: this client has no registered redirect URI"
            : "redirect_uri is required when a client registers several redirect URIs",
        ),
      );
    }
    redirectUri = client.redirectUris[0];
  }

  // A repeated state is ambiguous: echoing either value could hand the client the wrong one.
  const state = params.getAll("state").length === 1 ? get("state") : undefined;
  try {
    // §3.1: no parameter, known or not, may be included more than once.
    const repeated = findRepeatedParam(params);
    if (repeated !== undefined) throw repeatedError(repeated);
    const request = readRequest(get, client, redirectUri);
    return { kind: "ok", request: { ...request, redirectUriProvided: requestedRedirect !== undefined, state } };
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (redirectUri === undefined) return errorPage(error);
    return { kind: "redirect_error", redirectUri, error, state };
  }
}

/** The rest of the request once client and redirect URI are trusted; throws the error to send back. */
function readRequest(
  get: (name: (typeof PARAMS)[number]) => string | undefined,
  client: AuthorizeClient,
  redirectUri: string | undefined,
): Omit<AuthorizeRequest, "state"> {
  // A request object would replace the outer parameters (OIDC Core §6.1, RFC 9101 §5): ignoring it would issue a
  // code for a request the client did not make, so both forms are refused until they are supported.
  if (get("request") !== undefined) throw new RequestNotSupportedError("the request parameter is not supported");
  if (get("request_uri") !== undefined) {
    throw new RequestUriNotSupportedError("the request_uri parameter is not supported");
  }
  // A bot install without redirect URI ends on a confirmation page: no code is issued, so none is asked for.
  const issuesCode = redirectUri !== undefined;
  const responseType = get("response_type");
  if (responseType === undefined && issuesCode) throw new InvalidRequestError("response_type is required");
  if (responseType !== undefined && responseType !== "code") {
    throw new UnsupportedResponseTypeError('only response_type "code" is supported');
  }
  const responseMode = get("response_mode");
  if (responseMode !== undefined && responseMode !== "query") {
    throw new InvalidRequestError('only response_mode "query" is supported');
  }
  if (issuesCode && !client.grantTypes.includes("authorization_code")) {
    throw new UnauthorizedClientError("this client is not allowed to use the authorization_code grant");
  }
  const scopes = parseScopeParam(get("scope"));
  checkScopesAllowed(scopes, client.allowedScopes);
  const nonce = get("nonce");
  // The nonce is stored with the code and PostgreSQL text cannot hold NUL: refuse it here rather than fail there.
  if (nonce?.includes("\0")) throw new InvalidRequestError("nonce must not contain a NUL character");
  const pkce = checkCodeChallenge(
    get("code_challenge"),
    get("code_challenge_method"),
    pkceRequiredFor(client, redirectUri),
  );
  return {
    clientId: client.clientId,
    redirectUri,
    scopes,
    nonce,
    codeChallenge: pkce?.codeChallenge,
    codeChallengeMethod: pkce?.codeChallengeMethod,
    prompt: parsePrompt(get("prompt")),
    maxAge: parseMaxAge(get("max_age")),
    acrValues: parseAcrValues(get("acr_values")),
    bot: scopes.includes("bot") ? parseBotInstall(get("permissions"), get("guild_id")) : undefined,
  };
}

/**
 * Why this request must use PKCE, or null: public clients cannot keep a secret, so PKCE is what binds their code to
 * them (RFC 9700 §2.1.1); a private-use redirect can be claimed by another app on the device (RFC 8252 §8.1).
 */
function pkceRequiredFor(client: AuthorizeClient, redirectUri: string | undefined): string | null {
  if (redirectUri === undefined) return null;
  if (client.type === "public") return "public clients";
  if (requiresPkce(redirectUri)) return "a private-use scheme redirect URI";
  return null;
}

function parsePrompt(value: string | undefined): AuthorizeRequest["prompt"] {
  if (value === undefined) return undefined;
  const prompt = PROMPTS.find((known) => known === value);
  if (prompt !== undefined) return prompt;
  // OIDC allows lists ("login consent"), but "none" with anything is an error and Latch needs no other combination.
  if (value.includes(" ")) throw new InvalidRequestError("prompt must be a single value: none, consent or login");
  throw new InvalidRequestError("prompt must be none, consent or login");
}

/** OIDC Core §3.1.2.1 `max_age`: a non-negative integer number of seconds. */
function parseMaxAge(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!MAX_AGE.test(value)) throw new InvalidRequestError("max_age must be a non-negative integer number of seconds");
  return Number(value);
}

/** OIDC Core §3.1.2.1 `acr_values`: space-separated values, kept in their order of preference. */
function parseAcrValues(value: string | undefined): string[] {
  if (value === undefined) return [];
  const values = value.split(" ").filter((part) => part !== "");
  if (values.length > MAX_ACR_VALUES) {
    throw new InvalidRequestError(`acr_values may list at most ${MAX_ACR_VALUES} values`);
  }
  if (!values.every((part) => ACR_VALUE.test(part))) {
    throw new InvalidRequestError("acr_values must be space-separated printable values of at most 200 characters");
  }
  return values;
}

function parseBotInstall(permissions: string | undefined, guildId: string | undefined): BotInstall {
  if (permissions === undefined) throw new InvalidRequestError('permissions is required with the "bot" scope');
  if (!PERMISSIONS.test(permissions) || !Number.isSafeInteger(Number(permissions))) {
    throw new InvalidRequestError("permissions must be a non-negative decimal integer below 2^53");
  }
  if (guildId !== undefined && !GUILD_ID.test(guildId)) {
    throw new InvalidRequestError("guild_id must be 1 to 64 letters, digits, '-' or '_'");
  }
  return { permissions: String(Number(permissions)), guildId };
}
