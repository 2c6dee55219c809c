import type { Hono } from "hono";
import { UPSTREAM_CALLBACK_PATH, upstreamCallbackUrl } from "../../connections/callback-url.ts";
import { type TakenUpstreamFlow, takeUpstreamFlow } from "../../connections/flows/take-upstream-flow.ts";
import { UpstreamError } from "../../connections/upstream-error.ts";
import { recordEvent } from "../../services/record-event.ts";
import type { HttpDeps } from "../deps.ts";
import { sendErrorPage } from "../page-response.ts";
import { readUpstreamBinding } from "../upstream-binding-cookie.ts";
import { completeConnectionCallback } from "./connection-flow.ts";
import { completeUpstreamLogin } from "./upstream-login.ts";

/** What a purpose's handler gets: the consumed flow and the callback URL as the upstream sent it. */
export type UpstreamCallback = {
  readonly flow: TakenUpstreamFlow;
  /** The full callback URL (query included) rebuilt on PUBLIC_URL, as oauth4webapi's validateAuthResponse wants it. */
  readonly url: URL;
  readonly now: Date;
};

/**
 * `GET /oauth/callback`: the one redirect URI of every upstream flow. It consumes the pending flow `state` names
 * (once, in this browser, before it expires) and hands it to the flow's purpose: an upstream login or a connection.
 * A callback matching no flow ends on a readable page and an `upstream.callback_rejected` Event.
 */
export function registerOAuthCallbackRoute(router: Hono, deps: HttpDeps): void {
  router.get(UPSTREAM_CALLBACK_PATH, async (c) => {
    const now = new Date();
    const url = new URL(upstreamCallbackUrl(deps.config.publicUrl));
    url.search = new URL(c.req.url).search;
    let flow: TakenUpstreamFlow;
    try {
      flow = await takeUpstreamFlow(
        deps.orm.em,
        deps.keyring,
        { state: url.searchParams.get("state") ?? "", browserBinding: readUpstreamBinding(c) },
        now,
      );
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      deps.logger.warn({ code: error.code, reason: error.message }, "upstream callback rejected");
      await recordCallbackRejected(deps, error, now);
      return sendErrorPage(
        c,
        400,
        "This sign-in link can't be used",
        "It has expired, was already used, or was opened in another browser. Start again from the app.",
      );
    }
    const callback: UpstreamCallback = { flow, url, now };
    return flow.purpose === "login"
      ? completeUpstreamLogin(c, deps, callback)
      : completeConnectionCallback(c, deps, callback);
  });
}

async function recordCallbackRejected(deps: HttpDeps, error: UpstreamError, now: Date): Promise<void> {
  const em = deps.orm.em.fork();
  recordEvent(
    em,
    {
      type: "upstream.callback_rejected",
      subjectType: "upstream_flow",
      actor: { type: "system" },
      payload: { code: error.code, reason: error.message },
    },
    now,
  );
  await em.flush();
}
