import type { EntityManager } from "@mikro-orm/postgresql";
import { upstreamCallbackUrl } from "../../connections/callback-url.ts";
import { loginAuthorizeUrl } from "../../connections/login/login-authorize-url.ts";
import { resolveLoginProvider } from "../../connections/login/resolve-login-provider.ts";
import { toUpstreamError, type UpstreamError } from "../../connections/upstream-error.ts";
import type { UpstreamNetwork } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { type LoginProviderRecord, loadLoginProvider } from "../identity-providers/load-login-provider.ts";
import { startUpstreamFlow } from "../upstream-flows/start-upstream-flow.ts";
import { recordUpstreamLoginFailure } from "./record-upstream-login-failure.ts";

export type StartUpstreamLoginInput = {
  readonly providerId: string;
  /** The client id of the authorization request the sign-in continues: the provider must be one of that app's. */
  readonly clientId: string | null;
  readonly returnTo: string;
  readonly browserBinding: string;
  /** The authorization request asks for a fresh sign-in (`prompt=login`, `max_age`): the provider is asked too. */
  readonly reauthenticate?: boolean;
};

export type StartUpstreamLoginResult =
  | { readonly ok: true; readonly authorizeUrl: URL }
  | { readonly ok: false; readonly reason: "not_found" }
  | {
      readonly ok: false;
      readonly reason: "upstream";
      readonly error: UpstreamError;
      readonly provider: LoginProviderRecord;
    };

/**
 * The "Continue with …" button: checks the provider belongs to the app being authorized, records a pending flow
 * (state, PKCE, nonce for OpenID providers) bound to the browser, and answers the provider's authorization URL
 * (RFC 6749 §4.1.1). A provider that cannot be reached or is misconfigured is a `user.login_failed` Event.
 */
export async function startUpstreamLogin(
  em: EntityManager,
  deps: {
    readonly keyring: MasterKeyring;
    readonly publicUrl: string;
    readonly production: boolean;
    readonly network: UpstreamNetwork;
  },
  input: StartUpstreamLoginInput,
  now: Date,
): Promise<StartUpstreamLoginResult> {
  const provider = input.clientId ? await loadLoginProvider(em, input.providerId, input.clientId) : null;
  if (!provider) return { ok: false, reason: "not_found" };
  let resolved: Awaited<ReturnType<typeof resolveLoginProvider>>;
  try {
    resolved = await resolveLoginProvider(provider.row, { production: deps.production, network: deps.network });
  } catch (caught) {
    const error = toUpstreamError(caught, "provider setup");
    await recordUpstreamLoginFailure(
      em,
      { provider: provider.ref, reason: error.code, upstreamError: error.upstreamError },
      now,
    );
    return { ok: false, reason: "upstream", error, provider };
  }
  const flow = await startUpstreamFlow(
    em,
    deps.keyring,
    {
      purpose: "login",
      identityProviderId: provider.ref.id,
      returnTo: input.returnTo,
      browserBinding: input.browserBinding,
      withNonce: resolved.oidc,
    },
    now,
  );
  const authorizeUrl = loginAuthorizeUrl(resolved, flow, upstreamCallbackUrl(deps.publicUrl), {
    reauthenticate: input.reauthenticate === true,
  });
  return { ok: true, authorizeUrl };
}
