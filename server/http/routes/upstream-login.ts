import type { Context, Hono } from "hono";
import { upstreamCallbackUrl } from "../../connections/callback-url.ts";
import { startUpstreamFlow } from "../../connections/flows/start-upstream-flow.ts";
import { providerVouchesForEmail } from "../../connections/login/email-trust.ts";
import { exchangeLoginCode } from "../../connections/login/exchange-login-code.ts";
import { fetchLoginProfile } from "../../connections/login/fetch-login-profile.ts";
import { loginAuthorizeUrl } from "../../connections/login/login-authorize-url.ts";
import { loginClientSecret } from "../../connections/login/login-client-secret.ts";
import { providerLabel } from "../../connections/login/login-provider-kinds.ts";
import { type LoginProvider, resolveLoginProvider } from "../../connections/login/resolve-login-provider.ts";
import { toUpstreamError, UpstreamError } from "../../connections/upstream-error.ts";
import { IdentityProvider } from "../../db/entities/index.ts";
import { recordUpstreamLoginFailure } from "../../services/users/record-upstream-login-failure.ts";
import { signInWithUpstream, type UpstreamSignInRefusal } from "../../services/users/sign-in-with-upstream.ts";
import { clientIp } from "../client-ip.ts";
import type { HttpDeps } from "../deps.ts";
import { sendErrorPage } from "../page-response.ts";
import { readSessionToken, setSessionCookie } from "../session-cookie.ts";
import { ensureUpstreamBinding } from "../upstream-binding-cookie.ts";
import { authorizeRequestClientId, safeReturnTo } from "./login.ts";
import type { UpstreamCallback } from "./oauth-callback.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The provider row as the flow needs it, with the app it belongs to. */
type ProviderRecord = {
  readonly row: IdentityProvider;
  readonly ref: { id: string; kind: IdentityProvider["kind"]; applicationId: string; organizationId: string };
  readonly label: string;
};

/**
 * `GET /login/providers/:providerId/start?return_to=…`: the "Continue with …" button. The provider must be an
 * enabled one of the app whose authorization request `return_to` continues. Records a pending flow (state, PKCE,
 * nonce for OpenID providers) bound to this browser and redirects to the provider's authorization endpoint
 * (RFC 6749 §4.1.1). A provider that cannot be reached or is misconfigured ends on a readable page, a log line and a
 * `user.login_failed` Event.
 */
export function registerUpstreamLoginRoutes(router: Hono, deps: HttpDeps): void {
  const https = deps.config.publicUrl.startsWith("https:");
  router.get("/login/providers/:providerId/start", async (c) => {
    const now = new Date();
    const returnTo = safeReturnTo(c.req.query("return_to"), deps.config.publicUrl);
    const clientId = authorizeRequestClientId(returnTo, deps.config.publicUrl);
    const record = clientId ? await loadProvider(deps, c.req.param("providerId") ?? "", clientId) : null;
    if (!record) {
      return sendErrorPage(
        c,
        404,
        "This sign-in option isn't available",
        "Go back to the app and start signing in again.",
      );
    }
    let provider: LoginProvider;
    try {
      provider = await resolveLoginProvider(record.row, {
        production: deps.config.production,
        network: { allowPrivate: deps.config.allowPrivateWebhooks },
      });
    } catch (error) {
      return failure(c, deps, record, toUpstreamError(error, "provider setup"), now);
    }
    const flow = await startUpstreamFlow(
      deps.orm.em,
      deps.keyring,
      {
        purpose: "login",
        identityProviderId: record.ref.id,
        returnTo,
        browserBinding: ensureUpstreamBinding(c, https),
        withNonce: provider.oidc,
      },
      now,
    );
    c.header("Cache-Control", "no-store");
    return c.redirect(loginAuthorizeUrl(provider, flow, upstreamCallbackUrl(deps.config.publicUrl)).toString(), 302);
  });
}

/**
 * The callback half of a sign-in through an identity provider, after `/oauth/callback` consumed the flow: redeems the
 * code (the provider's client secret opened only for that request), reads the profile, links or creates the user and
 * starts a session as the password sign-in does, then 303s back to the authorization request (its consent page).
 * Every failure ends on a readable page, a log line with its cause and a `user.login_failed` Event; nothing else is
 * written.
 */
export async function completeUpstreamLogin(c: Context, deps: HttpDeps, callback: UpstreamCallback): Promise<Response> {
  const { flow, now } = callback;
  const https = deps.config.publicUrl.startsWith("https:");
  const record = flow.identityProviderId ? await loadProvider(deps, flow.identityProviderId, null) : null;
  if (!record) {
    return failure(
      c,
      deps,
      null,
      new UpstreamError("upstream_misconfigured", "the identity provider was removed or disabled during sign-in"),
      now,
    );
  }
  let profile: Awaited<ReturnType<typeof fetchLoginProfile>>;
  try {
    const provider = await resolveLoginProvider(record.row, {
      production: deps.config.production,
      network: { allowPrivate: deps.config.allowPrivateWebhooks },
    });
    const tokens = await exchangeLoginCode(
      provider,
      {
        url: callback.url,
        redirectUri: upstreamCallbackUrl(deps.config.publicUrl),
        codeVerifier: flow.codeVerifier,
        nonce: flow.nonce,
      },
      () => loginClientSecret(record.row, provider.as.issuer, deps.keyring, now),
    );
    profile = await fetchLoginProfile(provider, tokens);
    // Apple's id_token carries no name: the one it posts beside its first response is all there is.
    if (profile.name === null && callback.postedName) profile = { ...profile, name: callback.postedName };
  } catch (error) {
    return failure(c, deps, record, toUpstreamError(error, "sign-in"), now);
  }
  const result = await signInWithUpstream(
    deps.orm.em,
    {
      provider: record.ref,
      profile,
      providerVouchesForEmail: providerVouchesForEmail(record.row, deps.config.trustCustomProviderEmails),
      ip: clientIp(c, deps.config.trustedProxyHops),
      userAgent: c.req.header("user-agent") ?? null,
      previousSessionToken: readSessionToken(c, https),
    },
    now,
  );
  if (!result.ok) return refusal(c, deps, record, result.reason, now);
  deps.logger.info(
    { identityProviderId: record.ref.id, kind: record.ref.kind, userId: result.userId, outcome: result.outcome },
    "upstream sign-in",
  );
  setSessionCookie(c, result.token, result.expiresAt, https);
  c.header("Cache-Control", "no-store");
  return c.redirect(flow.returnTo, 303);
}

/** An enabled provider of an active app; with `clientId`, only one of that app (the authorization request's). */
async function loadProvider(deps: HttpDeps, id: string, clientId: string | null): Promise<ProviderRecord | null> {
  if (!UUID.test(id)) return null;
  const row = await deps.orm.em
    .fork()
    .findOne(
      IdentityProvider,
      { id, enabled: true, application: { isActive: true, ...(clientId !== null && { clientId }) } },
      { populate: ["application"] },
    );
  if (!row) return null;
  const app = row.application.getEntity();
  return {
    row,
    ref: { id: row.id, kind: row.kind, applicationId: app.id, organizationId: app.organization.id },
    label: providerLabel(row),
  };
}

async function failure(
  c: Context,
  deps: HttpDeps,
  record: ProviderRecord | null,
  error: UpstreamError,
  now: Date,
): Promise<Response> {
  deps.logger.warn(
    { code: error.code, reason: error.message, identityProviderId: record?.ref.id, kind: record?.ref.kind },
    "upstream sign-in failed",
  );
  await recordUpstreamLoginFailure(
    deps.orm.em,
    { provider: record?.ref ?? null, reason: error.code, upstreamError: error.upstreamError },
    now,
  );
  const name = record?.label ?? "the identity provider";
  if (error.upstreamError === "access_denied") {
    return sendErrorPage(
      c,
      400,
      `Sign-in with ${name} was cancelled`,
      "Nothing was changed. Go back to the app to try again.",
    );
  }
  if (error.code === "upstream_misconfigured") {
    return sendErrorPage(
      c,
      400,
      `Sign-in with ${name} isn't set up correctly`,
      "The app's administrator needs to fix this sign-in option. You can sign in another way.",
    );
  }
  return sendErrorPage(
    c,
    502,
    `We couldn't sign you in with ${name}`,
    `${name} didn't answer as expected, so nothing was changed. Try again in a moment, or sign in another way.`,
  );
}

const REFUSAL_MESSAGES: Record<UpstreamSignInRefusal, string> = {
  email_missing: "didn't share an email address with us, which a new account needs.",
  email_not_verified:
    "says your email address isn't verified, and an account with that address already exists here. Sign in with your password, or verify the address and try again.",
  account_email_unverified:
    "shares your email address with an account here whose address was never verified, so we can't link them. Sign in the way you did before.",
  email_conflict: "is linked to an account that changed at the same moment. Please try again.",
};

async function refusal(
  c: Context,
  deps: HttpDeps,
  record: ProviderRecord,
  reason: UpstreamSignInRefusal,
  now: Date,
): Promise<Response> {
  deps.logger.warn(
    { code: reason, identityProviderId: record.ref.id, kind: record.ref.kind },
    "upstream sign-in refused",
  );
  await recordUpstreamLoginFailure(deps.orm.em, { provider: record.ref, reason }, now);
  return sendErrorPage(
    c,
    403,
    `We couldn't sign you in with ${record.label}`,
    `${record.label} ${REFUSAL_MESSAGES[reason]}`,
  );
}
