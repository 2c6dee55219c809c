import { FORM_POST_KINDS } from "./login-provider-kinds.ts";
import type { LoginProvider } from "./resolve-login-provider.ts";

/** What a started upstream flow hands the authorization request: its `state`, S256 challenge and OpenID nonce. */
export type AuthorizeFlow = {
  readonly state: string;
  readonly codeChallenge: string;
  readonly nonce: string | undefined;
};

/**
 * The upstream authorization request of a sign-in (RFC 6749 §4.1.1): code flow with the flow's `state`, an RFC 7636
 * S256 challenge, for OpenID providers the flow's `nonce` (Core §3.1.2.1), and `response_mode=form_post` for the
 * kinds that require it. With `reauthenticate` (the app asked Latch for `prompt=login` or `max_age`), an OpenID
 * provider is asked for `prompt=login` in turn (Core §3.1.2.1), so its own session does not stand in for the fresh
 * sign-in; other kinds have no such parameter.
 */
export function loginAuthorizeUrl(
  provider: LoginProvider,
  flow: AuthorizeFlow,
  redirectUri: string,
  options: { readonly reauthenticate?: boolean } = {},
): URL {
  const url = new URL(provider.as.authorization_endpoint as string);
  url.searchParams.set("client_id", provider.client.client_id);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("response_type", "code");
  if (provider.scopes.length > 0) url.searchParams.set("scope", provider.scopes.join(" "));
  url.searchParams.set("state", flow.state);
  url.searchParams.set("code_challenge", flow.codeChallenge);
  url.searchParams.set("code_challenge_method", "S256");
  if (flow.nonce) url.searchParams.set("nonce", flow.nonce);
  if (options.reauthenticate && provider.oidc) url.searchParams.set("prompt", "login");
  if (FORM_POST_KINDS.has(provider.kind)) url.searchParams.set("response_mode", "form_post");
  return url;
}
