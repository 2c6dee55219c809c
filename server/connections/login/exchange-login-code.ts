import * as oauth from "oauth4webapi";
import { toUpstreamError, UpstreamError } from "../upstream-error.ts";
import { upstreamRequestOptions } from "../upstream-request.ts";
import type { LoginProvider } from "./resolve-login-provider.ts";

export type LoginCallback = {
  /** The callback URL as the upstream sent it (rebuilt on PUBLIC_URL). */
  readonly url: URL;
  readonly redirectUri: string;
  readonly codeVerifier: string;
  /** The nonce the flow sent; required back in the id_token of an OIDC provider. */
  readonly nonce: string | null;
};

export type LoginTokens = {
  readonly accessToken: string;
  /** The validated id_token claims of an OIDC provider. */
  readonly idToken: oauth.IDToken | undefined;
};

/**
 * The callback half of an upstream sign-in (RFC 6749 §4.1.2 and §4.1.3, RFC 7636, OpenID Connect Core §3.1.3):
 * validates the authorization response against the flow's `state` (and RFC 9207 `iss` when sent), redeems the code
 * with the PKCE verifier, and for OIDC checks the id_token's issuer, audience, expiry and nonce.
 *
 * `clientSecret` is a thunk: the sealed secret is opened (or Apple's signed) only for the token request, never kept.
 * Throws an `UpstreamError` (an `error=access_denied` answer is `upstream_error` with `upstreamError` set).
 */
export async function exchangeLoginCode(
  provider: LoginProvider,
  callback: LoginCallback,
  clientSecret: () => Promise<string>,
): Promise<LoginTokens> {
  const { as, client } = provider;
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, callback.url, callback.url.searchParams.get("state") ?? "");
  } catch (error) {
    throw toUpstreamError(error, "authorization response");
  }
  if (provider.oidc && !callback.nonce) {
    throw new UpstreamError("upstream_flow_invalid", "the pending sign-in has no nonce for an OpenID provider");
  }
  try {
    const secret = await clientSecret();
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      provider.authMethod === "client_secret_post" ? oauth.ClientSecretPost(secret) : oauth.ClientSecretBasic(secret),
      params,
      callback.redirectUri,
      callback.codeVerifier,
      upstreamRequestOptions(as.token_endpoint as string, provider.network),
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      ...(provider.oidc ? { expectedNonce: callback.nonce as string, requireIdToken: true } : {}),
    });
    return { accessToken: result.access_token, idToken: oauth.getValidatedIdTokenClaims(result) };
  } catch (error) {
    throw toUpstreamError(error, "token request");
  }
}
