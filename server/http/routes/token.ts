import type { Context, Hono } from "hono";
import { extractClientCredentials } from "../../oauth/client-authentication.ts";
import { InvalidRequestError, OAuthError, UnsupportedGrantTypeError } from "../../oauth/errors.ts";
import { readSingleParams } from "../../oauth/form-params.ts";
import { checkGrantTypeAllowed } from "../../oauth/grants/client-credentials.ts";
import type { GrantType } from "../../oauth/grants/grant-types.ts";
import { parseScopeParam } from "../../oauth/scopes.ts";
import { buildTokenResponse, TOKEN_RESPONSE_HEADERS } from "../../oauth/token-response.ts";
import { authenticateClient } from "../../services/oauth/authenticate-client.ts";
import type { ClientRecord } from "../../services/oauth/client-record.ts";
import { exchangeAuthorizationCode } from "../../services/oauth/exchange-authorization-code.ts";
import { issueClientCredentials } from "../../services/oauth/issue-client-credentials.ts";
import type { TokenSet } from "../../services/oauth/issue-token-set.ts";
import { passwordGrant } from "../../services/oauth/password-grant.ts";
import { successorKeyOf } from "../../services/oauth/refresh-successor.ts";
import { refreshTokens } from "../../services/oauth/refresh-tokens.ts";
import { tokenUsageField } from "../../services/usage/count-usage.ts";
import type { HttpDeps } from "../deps.ts";
import { oauthErrorResponse } from "../oauth-error-response.ts";
import { readForm } from "../read-form.ts";
import { sendJson } from "../send-json.ts";

export const TOKEN_PATHS = ["/oauth2/token", "/api/v1/oauth2/token", "/oauth/token"] as const;

const PARAMS = [
  "grant_type",
  "code",
  "redirect_uri",
  "code_verifier",
  "refresh_token",
  "scope",
  "username",
  "password",
] as const;

function unknownGrantType(grantType: never): never {
  throw new UnsupportedGrantTypeError(`grant_type "${String(grantType)}" has no handler`);
}

/** The token endpoint (RFC 6749 §3.2): authenticates the client, then runs the grant it asked for. */
export function registerTokenRoute(router: Hono, deps: HttpDeps): void {
  const issuer = { signer: deps.runtime.signer, issuer: deps.config.publicUrl };
  const refresher = { ...issuer, successorKey: successorKeyOf(deps.keyring) };

  async function runGrant(
    client: ClientRecord,
    grantType: GrantType,
    params: Record<string, string | undefined>,
    now: Date,
  ): Promise<TokenSet> {
    // The grants run plain SQL on the ORM's pool (and fork themselves where they use the ORM): no fork per request.
    const em = deps.orm.em;
    const scopes = parseScopeParam(params.scope);
    switch (grantType) {
      case "authorization_code":
        return exchangeAuthorizationCode(
          em,
          deps.runtime,
          issuer,
          { client, code: params.code, redirectUri: params.redirect_uri, codeVerifier: params.code_verifier },
          now,
        );
      case "refresh_token":
        return refreshTokens(em, deps.runtime, refresher, { client, refreshToken: params.refresh_token, scopes }, now);
      case "client_credentials":
        return issueClientCredentials(deps.runtime, issuer, { client, scopes }, now);
      case "password":
        return passwordGrant(
          em.fork(),
          issuer,
          { client, username: params.username, password: params.password, scopes },
          now,
        );
      default:
        // Exhaustive: a grant type added to GRANT_TYPES fails the type check here until it has its own case,
        // so no new grant type can fall through into another grant.
        return unknownGrantType(grantType);
    }
  }

  async function handle(c: Context): Promise<Response> {
    const now = new Date();
    let client: ClientRecord | undefined;
    try {
      const body = await readForm(c);
      const params = readSingleParams(body, PARAMS);
      client = await authenticateClient(
        deps.runtime,
        extractClientCredentials(c.req.header("authorization"), body),
        now,
      );
      if (!params.grant_type) throw new InvalidRequestError('"grant_type" parameter is required');
      checkGrantTypeAllowed(params.grant_type, client.grantTypes);
      const set = await runGrant(client, params.grant_type, params, now);
      const field = tokenUsageField(params.grant_type);
      // Counted in memory, written once a second: no round trip per token.
      if (field) deps.runtime.usage.count(client.id, field, now);
      if (params.grant_type === "refresh_token") deps.runtime.usage.count(client.id, "refreshes", now);
      return sendJson(
        c,
        buildTokenResponse({
          accessToken: set.accessToken,
          expiresIn: set.expiresIn,
          refreshToken: set.refreshToken,
          scopes: set.scopes,
          idToken: set.idToken,
        }),
        200,
        TOKEN_RESPONSE_HEADERS,
      );
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      if (client) deps.runtime.usage.count(client.id, "errors", now);
      return oauthErrorResponse(c, error);
    }
  }

  for (const path of TOKEN_PATHS) router.post(path, handle);
}
