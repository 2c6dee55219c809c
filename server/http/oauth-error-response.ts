import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { basicChallenge } from "../oauth/client-authentication.ts";
import { type OAuthError, toOAuthErrorBody } from "../oauth/errors.ts";
import { sendJson } from "./send-json.ts";

/** An OAuth error as JSON (RFC 6749 §5.2); invalid_client carries the Basic challenge its 401 requires. */
export function oauthErrorResponse(c: Context, error: OAuthError): Response {
  const headers: Record<string, string> = { "Cache-Control": "no-store", Pragma: "no-cache" };
  if (error.code === "invalid_client") headers["WWW-Authenticate"] = basicChallenge("latch");
  return sendJson(c, toOAuthErrorBody(error), error.status as ContentfulStatusCode, headers);
}
