/**
 * The third-party app's side of an authorization-code flow against Latch, with oauth4webapi as a real client: the
 * Chromium tests drive the person's part in between.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as oauth from "oauth4webapi";
import type { TestApp } from "./oauth-fixtures.ts";

/** Loopback http is how the tests reach Latch. */
export const insecure = { [oauth.allowInsecureRequests]: true };

/** Latch's OpenID Provider metadata, as a client discovers it. */
export async function discoverLatch(serverUrl: string): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(serverUrl);
  return oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { ...insecure, algorithm: "oidc" }),
  );
}

export type CodeFlowRequest = {
  readonly url: string;
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
};

/** An authorization request with PKCE S256, state and nonce. */
export async function codeFlowRequest(
  as: oauth.AuthorizationServer,
  input: { clientId: string; redirectUri: string; scope: string },
): Promise<CodeFlowRequest> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    response_type: "code",
    scope: input.scope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  }).toString();
  return { url: url.toString(), verifier, state, nonce };
}

/**
 * Redeems the code the callback carries (its state checked) with client_secret_basic; with `idToken`, the response
 * must hold an id_token carrying the request's nonce.
 */
export async function redeemCallback(
  as: oauth.AuthorizationServer,
  app: TestApp,
  callback: URL,
  request: CodeFlowRequest,
  redirectUri: string,
  options: { idToken: boolean },
): Promise<oauth.TokenEndpointResponse> {
  const client: oauth.Client = { client_id: app.clientId };
  const params = oauth.validateAuthResponse(as, client, callback, request.state);
  return oauth.processAuthorizationCodeResponse(
    as,
    client,
    await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(app.clientSecret!),
      params,
      redirectUri,
      request.verifier,
      insecure,
    ),
    options.idToken ? { expectedNonce: request.nonce, requireIdToken: true } : undefined,
  );
}

export type RedirectTarget = { readonly uri: string; close(): Promise<void> };

/** The app's redirect URI: a loopback server answering "ok" to whatever lands there. */
export async function startRedirectTarget(): Promise<RedirectTarget> {
  const server = createServer((_request, response) => response.writeHead(200).end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
