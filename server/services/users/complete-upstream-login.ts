import type { EntityManager } from "@mikro-orm/postgresql";
import { upstreamCallbackUrl } from "../../connections/callback-url.ts";
import { providerVouchesForEmail } from "../../connections/login/email-trust.ts";
import { exchangeLoginCode } from "../../connections/login/exchange-login-code.ts";
import { fetchLoginProfile } from "../../connections/login/fetch-login-profile.ts";
import { loginClientSecret } from "../../connections/login/login-client-secret.ts";
import { resolveLoginProvider } from "../../connections/login/resolve-login-provider.ts";
import { toUpstreamError, UpstreamError } from "../../connections/upstream-error.ts";
import type { UpstreamNetwork } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { type LoginProviderRecord, loadLoginProvider } from "../identity-providers/load-login-provider.ts";
import type { TakenUpstreamFlow } from "../upstream-flows/take-upstream-flow.ts";
import { recordUpstreamLoginFailure } from "./record-upstream-login-failure.ts";
import { signInWithUpstream, type UpstreamSignInRefusal } from "./sign-in-with-upstream.ts";

export type CompleteUpstreamLoginDeps = {
  readonly keyring: MasterKeyring;
  readonly publicUrl: string;
  readonly production: boolean;
  readonly trustCustomProviderEmails: boolean;
  readonly network: UpstreamNetwork;
};

export type CompleteUpstreamLoginInput = {
  /** The pending flow the callback's `state` named, consumed. */
  readonly flow: TakenUpstreamFlow;
  /** The callback URL with the authorization response's parameters. */
  readonly callbackUrl: URL;
  /** The name a form_post provider posted beside the response (Apple's first sign-in); unverified. */
  readonly postedName: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly previousSessionToken: string | undefined;
  /** The absolute session timeout (config.sessionPolicy); the default when not given. */
  readonly absoluteTimeoutMs?: number;
};

export type CompleteUpstreamLoginResult =
  | {
      readonly ok: true;
      readonly token: string;
      readonly expiresAt: Date;
      readonly returnTo: string;
      readonly userId: string;
      readonly outcome: string;
      readonly provider: LoginProviderRecord;
    }
  /** The second step must follow before a session exists (see signInWithUpstream). */
  | {
      readonly ok: "second_factor";
      readonly step: "verify" | "enrol";
      readonly returnTo: string;
      readonly userId: string;
      readonly outcome: string;
      readonly provider: LoginProviderRecord;
    }
  | {
      readonly ok: false;
      readonly reason: "upstream";
      readonly error: UpstreamError;
      readonly provider: LoginProviderRecord | null;
    }
  | {
      readonly ok: false;
      readonly reason: "refused";
      readonly refusal: UpstreamSignInRefusal;
      readonly provider: LoginProviderRecord;
    };

/**
 * The callback half of a sign-in through an identity provider: redeems the code (the provider's client secret opened
 * only for that request), reads the profile, links or creates the user and starts a session as the password sign-in
 * does (or, for an account with a second factor, hands over to the second step). Every failure is a `user.login_failed` Event and nothing else is written.
 */
export async function completeUpstreamLogin(
  em: EntityManager,
  deps: CompleteUpstreamLoginDeps,
  input: CompleteUpstreamLoginInput,
  now: Date,
): Promise<CompleteUpstreamLoginResult> {
  const { flow } = input;
  const provider = flow.identityProviderId ? await loadLoginProvider(em, flow.identityProviderId, null) : null;
  if (!provider) {
    const error = new UpstreamError(
      "upstream_misconfigured",
      "the identity provider was removed or disabled during sign-in",
    );
    await recordUpstreamLoginFailure(em, { provider: null, reason: error.code }, now);
    return { ok: false, reason: "upstream", error, provider: null };
  }
  let profile: Awaited<ReturnType<typeof fetchLoginProfile>>;
  try {
    const resolved = await resolveLoginProvider(provider.row, { production: deps.production, network: deps.network });
    const tokens = await exchangeLoginCode(
      resolved,
      {
        url: input.callbackUrl,
        redirectUri: upstreamCallbackUrl(deps.publicUrl),
        codeVerifier: flow.codeVerifier,
        nonce: flow.nonce,
      },
      () => loginClientSecret(provider.row, resolved.as.issuer, deps.keyring, now),
    );
    profile = await fetchLoginProfile(resolved, tokens);
    // Apple's id_token carries no name: the one it posts beside its first response is all there is.
    if (profile.name === null && input.postedName) profile = { ...profile, name: input.postedName };
  } catch (caught) {
    const error = toUpstreamError(caught, "sign-in");
    await recordUpstreamLoginFailure(
      em,
      { provider: provider.ref, reason: error.code, upstreamError: error.upstreamError },
      now,
    );
    return { ok: false, reason: "upstream", error, provider };
  }
  const result = await signInWithUpstream(
    em,
    {
      provider: provider.ref,
      profile,
      providerVouchesForEmail: providerVouchesForEmail(provider.row, deps.trustCustomProviderEmails),
      ip: input.ip,
      userAgent: input.userAgent,
      previousSessionToken: input.previousSessionToken,
      ...(input.absoluteTimeoutMs !== undefined && { absoluteTimeoutMs: input.absoluteTimeoutMs }),
    },
    now,
  );
  if (result.ok === "second_factor") {
    const { step, userId, outcome } = result;
    return { ok: "second_factor", step, returnTo: flow.returnTo, userId, outcome, provider };
  }
  if (!result.ok) {
    await recordUpstreamLoginFailure(em, { provider: provider.ref, reason: result.reason }, now);
    return { ok: false, reason: "refused", refusal: result.reason, provider };
  }
  return {
    ok: true,
    token: result.token,
    expiresAt: result.expiresAt,
    returnTo: flow.returnTo,
    userId: result.userId,
    outcome: result.outcome,
    provider,
  };
}
