import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { completeConnection } from "../services/connections/complete-connection.ts";
import { ConnectionFailure, type ConnectionFailureReason } from "../services/connections/connection-failure.ts";
import { currentSession } from "./current-session.ts";
import type { HttpDeps } from "./deps.ts";
import { sendPage } from "./page-response.ts";
import { type ConnectionPopupMessage, renderConnectionPopupPage } from "./pages/connection-popup-page.ts";
import type { UpstreamCallback } from "./upstream-callback.ts";

/**
 * The popup pages may be opened by a page of another origin (an app of the organization): a same-origin opener
 * policy would sever `window.opener`, so these responses say `unsafe-none` in place of the pages' `same-origin`.
 */
export const POPUP_OPENER_POLICY = { "Cross-Origin-Opener-Policy": "unsafe-none" };

/**
 * The callback half of a connection, after `/oauth/callback` consumed the flow: redeems the code and stores the
 * connection, then answers the popup page that reports the result to the opener. Every failure ends on that page
 * with `status: "error"`, a `connection.failed` Event and a log line with the cause; nothing is stored then.
 */
export async function answerConnectionCallback(
  c: Context,
  deps: HttpDeps,
  callback: UpstreamCallback,
): Promise<Response> {
  const { flow } = callback;
  const session = await currentSession(c, deps, callback.now);
  try {
    const connected = await completeConnection(
      deps.orm.em.fork(),
      deps.keyring,
      { allowPrivate: deps.config.allowPrivateWebhooks },
      { flow, callbackUrl: callback.url, sessionUserId: session?.user.id ?? null, publicUrl: deps.config.publicUrl },
      callback.now,
    );
    deps.logger.info(
      {
        connectionId: connected.connectionId,
        integrationId: connected.integrationId,
        reconnected: connected.reconnected,
      },
      "connection connected",
    );
    return popupPage(c, 200, flow.returnTo, {
      title: "Connected",
      message: `Your account is connected to ${connected.integrationDomain}.`,
      result: {
        type: "latch:connection",
        status: "connected",
        integrationId: connected.integrationId,
        connectionId: connected.connectionId,
      },
    });
  } catch (error) {
    if (!(error instanceof ConnectionFailure)) throw error;
    deps.logger.warn(
      {
        flowId: flow.flowId,
        integrationId: flow.integrationId,
        reason: error.reason,
        upstreamError: error.upstreamError,
        cause: error.message,
      },
      "connection failed",
    );
    const readable = describeFailure(error);
    return popupPage(c, readable.status, flow.returnTo, {
      title: readable.title,
      message: readable.message,
      result: {
        type: "latch:connection",
        status: "error",
        integrationId: flow.integrationId,
        error: error.upstreamError === "access_denied" ? "access_denied" : error.reason,
        message: readable.message,
      },
    });
  }
}

function popupPage(
  c: Context,
  status: ContentfulStatusCode,
  openerOrigin: string,
  page: { title: string; message: string; result: ConnectionPopupMessage },
): Response {
  return sendPage(c, status, (nonce) => renderConnectionPopupPage({ ...page, openerOrigin, nonce }), {
    script: true,
    headers: POPUP_OPENER_POLICY,
  });
}

type ReadableFailure = { status: ContentfulStatusCode; title: string; message: string };

const FAILURES: Record<ConnectionFailureReason, ReadableFailure> = {
  wrong_user: {
    status: 403,
    title: "Connection not completed",
    message: "This connection was started by another account. Sign in as that account and connect again.",
  },
  upstream_error: {
    status: 400,
    title: "Connection not completed",
    message: "The service refused the connection. Try again; if it keeps failing, ask an administrator to check it.",
  },
  upstream_bad_response: {
    status: 502,
    title: "Connection not completed",
    message: "The service answered something unexpected. Try again in a moment.",
  },
  upstream_id_token_invalid: {
    status: 502,
    title: "Connection not completed",
    message: "The service's answer could not be verified. Try again in a moment.",
  },
  upstream_unreachable: {
    status: 502,
    title: "Connection not completed",
    message: "The service could not be reached. Try again in a moment.",
  },
  upstream_misconfigured: {
    status: 400,
    title: "Connection not available",
    message: "This integration is not set up correctly. Ask an administrator to check it.",
  },
  integration_unavailable: {
    status: 400,
    title: "Connection not available",
    message: "This integration no longer exists or no longer connects accounts.",
  },
  upstream_flow_invalid: {
    status: 400,
    title: "Connection not completed",
    message: "This connection link has expired or was already used. Start again.",
  },
};

function describeFailure(failure: ConnectionFailure): ReadableFailure {
  if (failure.upstreamError === "access_denied") {
    return { status: 400, title: "Connection cancelled", message: "The connection was not authorized." };
  }
  return FAILURES[failure.reason];
}
