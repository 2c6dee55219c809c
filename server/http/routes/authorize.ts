import type { Context, Hono } from "hono";
import { signPayload } from "../../crypto/signed-payload.ts";
import { decideAuthentication } from "../../oauth/authentication-requirements.ts";
import { type AuthorizeRequest, validateAuthorizeRequest } from "../../oauth/authorize-request.ts";
import {
  consentStep,
  type ErrorStep,
  type LoginStep,
  reuseStep,
  unverifiedEmailStep,
} from "../../oauth/authorize-steps.ts";
import { eligibleWorkspaces } from "../../oauth/consent.ts";
import { InteractionRequiredError, LoginRequiredError } from "../../oauth/errors.ts";
import { approveAuthorization } from "../../services/oauth/approve-authorization.ts";
import { findReusableGrant } from "../../services/oauth/find-reusable-grant.ts";
import { type LoadedAuthorizeClient, loadAuthorizeClient } from "../../services/oauth/load-authorize-client.ts";
import { describeScopes, type ScopeDescription } from "../../services/scopes/describe-scopes.ts";
import { resolveSession } from "../../services/sessions/resolve-session.ts";
import { listUserWorkspaces, type Workspace } from "../../services/users/read-user-profile.ts";
import { mustVerifyEmailFor } from "../../services/users/sign-up-policy.ts";
import { authorizeErrorPage, redirectError, redirectToClient, validationFailure } from "../authorize-responses.ts";
import { CONSENT_REQUEST_TTL_MS, consentRequestKey } from "../consent-request.ts";
import { issueCsrfToken } from "../csrf.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderConsentPage } from "../pages/consent-page.ts";
import { formActionSource } from "../pages/html.ts";
import { markReauthentication, readReauthentication } from "../reauthentication-marker.ts";
import { AUTHORIZE_PATHS } from "../return-to.ts";
import { readSessionToken } from "../session-cookie.ts";
import { sendStepUp } from "../step-up.ts";
import { sendVerifyEmailGate } from "../verify-email-gate.ts";

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1): validate, sign in (again, for `prompt=login` or an elapsed
 * `max_age`; the second factor, for `acr_values` asking for multi-factor: decideAuthentication), consent (or reuse
 * consent), then redirect.
 */
export function registerAuthorizeRoute(router: Hono, deps: HttpDeps): void {
  const requestKey = consentRequestKey(deps);

  async function handle(c: Context): Promise<Response> {
    const now = new Date();
    const url = new URL(c.req.url);
    const em = deps.orm.em.fork();
    const clientIds = url.searchParams.getAll("client_id");
    const loaded = clientIds.length === 1 ? await loadAuthorizeClient(em, clientIds[0]) : null;
    const validation = validateAuthorizeRequest(url.searchParams, loaded?.client ?? null);
    const failure = validationFailure(c, deps, validation);
    if (failure || validation.kind !== "ok" || !loaded) return failure!;
    const request = validation.request;

    const token = readSessionToken(c, deps.config.secureCookies);
    const returnTo = `${url.pathname}${url.search}`;
    /** A step of authorize-steps.ts that leaves the endpoint: to the login page, or an error. */
    const leave = (step: LoginStep | ErrorStep): Response => {
      if (step.kind === "login") {
        const reauthenticate = step.reauthenticate ? "&reauthenticate=1" : "";
        return c.redirect(`/login?return_to=${encodeURIComponent(returnTo)}${reauthenticate}`, 302);
      }
      return request.redirectUri
        ? redirectError(c, deps, request.redirectUri, step.error, request.state)
        : authorizeErrorPage(c, step.error);
    };
    const found = token ? await resolveSession(em, token, now, deps.config.sessionPolicy) : null;
    const decision = decideAuthentication({
      request: { prompt: request.prompt, maxAge: request.maxAge, acrValues: request.acrValues ?? [] },
      session: found,
      freshSince: readReauthentication(deps.keyring, url.searchParams, request.clientId, now),
      now,
    });
    if (decision.kind !== "ok" || !found) {
      const again = decision.kind === "login" && decision.reason !== "no_session";
      if (request.prompt === "none" && request.redirectUri) {
        // OIDC Core §3.1.2.6: no interaction may happen, so the reason goes back to the client.
        const error =
          decision.kind === "second_factor"
            ? new InteractionRequiredError("the request asks for multi-factor authentication")
            : new LoginRequiredError(again ? "the user must sign in again" : "the user is not signed in");
        return redirectError(c, deps, request.redirectUri, error, request.state);
      }
      if (decision.kind === "second_factor" && found) {
        return sendStepUp(c, deps, found, returnTo, now);
      }
      // Marked even without a session: the sign-in that follows is the fresh one prompt=login / max_age ask for.
      const fresh = request.prompt === "login" || request.maxAge !== undefined;
      const next = fresh ? markReauthentication(deps.keyring, url, request.clientId, now) : returnTo;
      return c.redirect(`/login?return_to=${encodeURIComponent(next)}${again ? "&reauthenticate=1" : ""}`, 302);
    }
    const session = found;

    if (await mustVerifyEmailFor(em, loaded.record.organizationId, session.user)) {
      const step = unverifiedEmailStep(request);
      if (step.kind === "error") return leave(step);
      return sendVerifyEmailGate(c, deps, { status: 403, branding: loaded.branding, session, returnTo });
    }
    const reusable = await findReusableGrant(em, { userId: session.user.id, applicationId: loaded.record.id, request });
    const reuse = reuseStep(request, reusable !== null);
    if (reuse?.kind === "issue_code" && reusable) {
      const { code } = await approveAuthorization(
        deps.orm.em,
        {
          client: loaded.record,
          userId: session.user.id,
          request,
          organizationId: reusable.organizationId,
          authTime: session.authTime,
          amr: session.amr,
        },
        now,
      );
      deps.runtime.usage.count(loaded.record.id, "authorizations", now);
      return redirectToClient(c, deps, reuse.redirectUri, { code, state: request.state }, 302);
    }
    if (reuse?.kind === "error") return leave(reuse);
    const workspaces = eligibleWorkspaces(await listUserWorkspaces(em, session.user.id), request);
    const consent = consentStep(request, workspaces.length);
    if (consent.kind === "error") return leave(consent);
    const scopes = await describeScopes(em, loaded.record.organizationId, request.scopes);
    return renderConsent(c, deps, { loaded, request, scopes, url, session, workspaces, requestKey, now });
  }

  for (const path of AUTHORIZE_PATHS) router.get(path, handle);
}

function renderConsent(
  c: Context,
  deps: HttpDeps,
  input: {
    loaded: LoadedAuthorizeClient;
    request: AuthorizeRequest;
    scopes: ScopeDescription[];
    url: URL;
    session: { sessionId: string; user: { displayName: string; email: string } };
    workspaces: Workspace[];
    requestKey: Buffer;
    now: Date;
  },
): Response {
  const requestId = signPayload(
    input.requestKey,
    { q: input.url.search, sid: input.session.sessionId },
    new Date(input.now.getTime() + CONSENT_REQUEST_TTL_MS),
  );
  const csrfToken = issueCsrfToken(deps.runtime.csrfKey, { sessionId: input.session.sessionId });
  const formAction = input.request.redirectUri ? formActionSource(input.request.redirectUri) : null;
  return sendPage(
    c,
    200,
    (nonce) =>
      renderConsentPage({
        branding: input.loaded.branding,
        user: input.session.user,
        scopes: input.scopes,
        workspaces: input.workspaces.map((w) => ({ id: w.id, name: w.name })),
        selectedWorkspaceId: input.request.bot?.guildId,
        csrfToken,
        requestId,
        nonce,
        redirectUri: input.request.redirectUri,
        bot: input.request.bot ? { permissions: input.request.bot.permissions } : undefined,
      }),
    { formAction: formAction ? [formAction] : [] },
  );
}
