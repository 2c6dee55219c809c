import type { Context, Hono } from "hono";
import { UPSTREAM_CALLBACK_PATH, upstreamCallbackUrl } from "../../connections/callback-url.ts";
import { acceptUpstreamCallback } from "../../services/upstream-flows/accept-upstream-callback.ts";
import { answerConnectionCallback } from "../connection-callback.ts";
import type { HttpDeps } from "../deps.ts";
import { sendErrorPage, sendPage } from "../page-response.ts";
import { renderFormPostRelayPage } from "../pages/form-post-relay-page.ts";
import { isFormEncoded, readForm } from "../read-form.ts";
import { readUpstreamBinding } from "../upstream-binding-cookie.ts";
import type { UpstreamCallback } from "../upstream-callback.ts";
import { answerUpstreamLogin } from "../upstream-login-callback.ts";

/** The authorization response's parameters (RFC 6749 §4.1.2 and §4.1.2.1, RFC 9207's `iss`), and nothing else. */
const RESPONSE_PARAMS = ["code", "state", "iss", "error", "error_description", "error_uri"] as const;

/** Marks the relay page's POST, so a browser that still sends no binding cookie fails instead of looping. */
const RELAYED = "relayed";

/**
 * `/oauth/callback`: the one redirect URI of every upstream flow. It consumes the pending flow `state` names (once, in
 * this browser, before it expires) and hands it to the flow's purpose: an upstream login or a connection. A callback
 * matching no flow ends on a readable page and an `upstream.callback_rejected` Event.
 *
 * GET carries the response in its query. POST is a form_post response (Apple): the provider's cross-site POST brings
 * no SameSite=Lax cookie, so it is first posted again from a page of ours, which does.
 */
export function registerOAuthCallbackRoute(router: Hono, deps: HttpDeps): void {
  router.get(UPSTREAM_CALLBACK_PATH, (c) => completeCallback(c, deps, new URL(c.req.url).searchParams, null));
  router.post(UPSTREAM_CALLBACK_PATH, async (c) => {
    // Anything but a form carries no response: it fails as a callback without `state`.
    // A repeated or flooded form (RFC 6749 §3.1) carries no trustworthy response either.
    const form = isFormEncoded(c) ? await readForm(c).catch(() => new URLSearchParams()) : new URLSearchParams();
    const response = new URLSearchParams();
    for (const name of RESPONSE_PARAMS) {
      const value = form.get(name);
      if (value !== null) response.set(name, value);
    }
    if (!readUpstreamBinding(c) && form.get(RELAYED) !== "1") {
      const fields = [...response, ...(form.has("user") ? [["user", form.get("user")!] as const] : [])];
      return sendPage(
        c,
        200,
        (nonce) =>
          renderFormPostRelayPage({ action: UPSTREAM_CALLBACK_PATH, fields: [...fields, [RELAYED, "1"]], nonce }),
        { script: true },
      );
    }
    return completeCallback(c, deps, response, postedName(form.get("user")));
  });
}

async function completeCallback(
  c: Context,
  deps: HttpDeps,
  params: URLSearchParams,
  posted: string | null,
): Promise<Response> {
  const now = new Date();
  const url = new URL(upstreamCallbackUrl(deps.config.publicUrl));
  url.search = params.toString();
  const accepted = await acceptUpstreamCallback(
    deps.orm.em,
    deps.keyring,
    { state: params.get("state") ?? "", browserBinding: readUpstreamBinding(c) },
    now,
  );
  if (!accepted.ok) {
    deps.logger.warn({ code: accepted.error.code, reason: accepted.error.message }, "upstream callback rejected");
    return sendErrorPage(
      c,
      400,
      "This sign-in link can't be used",
      "It has expired, was already used, or was opened in another browser. Start again from the app.",
    );
  }
  const { flow } = accepted;
  const callback: UpstreamCallback = { flow, url, now, postedName: posted };
  return flow.purpose === "login"
    ? answerUpstreamLogin(c, deps, callback)
    : answerConnectionCallback(c, deps, callback);
}

/** Apple's `user` field: `{"name":{"firstName":"…","lastName":"…"},"email":"…"}`; anything else is no name. */
function postedName(user: string | null): string | null {
  if (!user || user.length > 2000) return null;
  try {
    const name = (JSON.parse(user) as { name?: { firstName?: unknown; lastName?: unknown } }).name;
    const parts = [name?.firstName, name?.lastName].filter((part): part is string => typeof part === "string");
    const joined = parts.join(" ").trim().slice(0, 100);
    return joined === "" ? null : joined;
  } catch {
    return null;
  }
}
