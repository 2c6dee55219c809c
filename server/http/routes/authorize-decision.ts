import type { Context, Hono } from "hono";
import { verifyPayload } from "../../crypto/signed-payload.ts";
import { validateAuthorizeRequest } from "../../oauth/authorize-request.ts";
import { eligibleWorkspaces } from "../../oauth/consent.ts";
import { AccessDeniedError, InvalidRequestError, OAuthError } from "../../oauth/errors.ts";
import { approveAuthorization } from "../../services/oauth/approve-authorization.ts";
import { loadAuthorizeClient } from "../../services/oauth/load-authorize-client.ts";
import { resolveSession } from "../../services/sessions/resolve-session.ts";
import { listUserWorkspaces } from "../../services/users/read-user-profile.ts";
import { mustVerifyEmailFor } from "../../services/users/sign-up-policy.ts";
import { authorizeErrorPage, redirectError, redirectToClient, validationFailure } from "../authorize-responses.ts";
import { consentRequestKey } from "../consent-request.ts";
import { checkCsrf } from "../csrf.ts";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderErrorPage } from "../pages/error-page.ts";
import { renderInfoPage } from "../pages/info-page.ts";
import { isFormEncoded, readForm } from "../read-form.ts";
import { readSessionToken } from "../session-cookie.ts";
import { sendVerifyEmailGate } from "../verify-email-gate.ts";

function expiredPage(c: Context, message: string): Response {
  return sendPage(c, 400, (nonce) =>
    renderErrorPage({ title: "This request has expired", message, nonce, status: 400 }),
  );
}

/**
 * The consent form's answer. The signed request id carries the original authorization request and binds it to the
 * session that saw the form; the request is validated again, since the app may have changed meanwhile.
 */
export function registerAuthorizeDecisionRoute(router: Hono, deps: HttpDeps): void {
  const requestKey = consentRequestKey(deps);

  router.post("/oauth2/authorize/decision", async (c) => {
    const now = new Date();
    const em = deps.orm.em.fork();
    // The consent page posts a form; anything else carries no decision and fails the CSRF check below.
    let form: URLSearchParams;
    try {
      form = isFormEncoded(c) ? await readForm(c) : new URLSearchParams();
    } catch (error) {
      // A repeated field or a flood of them (RFC 6749 §3.1): refused before anything is decided.
      if (error instanceof OAuthError) return authorizeErrorPage(c, error);
      throw error;
    }
    const field = (name: string) => form.get(name) ?? undefined;
    const token = readSessionToken(c, deps.config.secureCookies);
    const session = token ? await resolveSession(em, token, now, deps.config.sessionPolicy) : null;
    if (!session) return expiredPage(c, "You were signed out. Go back to the app and start again.");
    if (
      !checkCsrf(
        c,
        { key: deps.runtime.csrfKey, publicUrl: deps.config.publicUrl, binding: { sessionId: session.sessionId } },
        field("csrf_token"),
      )
    ) {
      return sendPage(c, 403, (nonce) =>
        renderErrorPage({
          title: "Request blocked",
          message: "This form was not sent from Latch. Go back to the app and try again.",
          nonce,
          status: 403,
        }),
      );
    }
    const payload = verifyPayload<{ q: string; sid: string }>(requestKey, field("request_id") ?? "", now);
    if (!payload || payload.sid !== session.sessionId)
      return expiredPage(c, "The authorization request timed out. Go back to the app and try again.");

    const params = new URLSearchParams(payload.q);
    const loaded = await loadAuthorizeClient(em, params.get("client_id") ?? undefined);
    const validation = validateAuthorizeRequest(params, loaded?.client ?? null);
    const failure = validationFailure(c, deps, validation, 303);
    if (failure || validation.kind !== "ok" || !loaded) return failure!;
    const request = validation.request;

    const decision = field("decision");
    if (decision !== "allow") {
      deps.runtime.usage.count(loaded.record.id, "denials", now);
      const error = new AccessDeniedError("the user denied the request");
      if (!request.redirectUri) {
        return sendPage(c, 200, (nonce) =>
          renderInfoPage({
            title: "Nothing was installed",
            message: `${loaded.branding.name} was not added.`,
            nonce,
            branding: loaded.branding,
          }),
        );
      }
      return redirectError(c, deps, request.redirectUri, error, request.state, 303);
    }

    if (await mustVerifyEmailFor(em, loaded.record.organizationId, session.user)) {
      const returnTo = `/oauth2/authorize?${payload.q.replace(/^\?/, "")}`;
      return sendVerifyEmailGate(c, deps, { status: 403, branding: loaded.branding, session, returnTo });
    }
    const workspaces = eligibleWorkspaces(await listUserWorkspaces(em, session.user.id), request);
    const chosen = field("workspace");
    const workspace = chosen
      ? workspaces.find((w) => w.id === chosen)
      : workspaces.length === 1
        ? workspaces[0]
        : undefined;
    if ((chosen && !workspace) || (request.bot && !workspace) || (!workspace && workspaces.length > 1)) {
      const error = new InvalidRequestError("choose one of your workspaces");
      return request.redirectUri
        ? redirectError(c, deps, request.redirectUri, error, request.state, 303)
        : authorizeErrorPage(c, error);
    }
    const { code } = await approveAuthorization(
      deps.orm.em,
      {
        client: loaded.record,
        userId: session.user.id,
        request,
        organizationId: workspace?.id ?? null,
        authTime: session.authTime,
        amr: session.amr,
      },
      now,
    );
    deps.runtime.usage.count(loaded.record.id, "authorizations", now);
    if (!request.redirectUri) {
      return sendPage(c, 200, (nonce) =>
        renderInfoPage({
          title: "Bot installed",
          message: `${loaded.branding.name} was added to ${workspace?.name ?? "your workspace"}. You can close this page.`,
          nonce,
          branding: loaded.branding,
        }),
      );
    }
    return redirectToClient(c, deps, request.redirectUri, { code, state: request.state }, 303);
  });
}
