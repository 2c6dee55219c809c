import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { sendJson } from "./send-json.ts";

export { RETRY_AFTER_SECONDS } from "../db/unavailable.ts";

/**
 * The one JSON error shape of the REST face, the OAuth one (RFC 6749 §5.2): `error` is a stable code,
 * `error_description` a precise human-readable sentence that never echoes a secret.
 */
export function jsonError(
  c: Context,
  status: ContentfulStatusCode,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): Response {
  return sendJson(c, { error, error_description: description }, status, { "Cache-Control": "no-store", ...headers });
}
