import type { Context } from "hono";
import { InvalidRequestError } from "../oauth/errors.ts";

/**
 * Reads an application/x-www-form-urlencoded body, the only encoding RFC 6749 §3.2, RFC 7009 §2.1 and RFC 7662 §2.1
 * accept. JSON or multipart is refused with a precise message rather than misread.
 */
export async function readForm(c: Context): Promise<URLSearchParams> {
  if (!isFormEncoded(c)) {
    throw new InvalidRequestError("Content-Type must be application/x-www-form-urlencoded");
  }
  return new URLSearchParams(await c.req.text());
}

/** Whether the request body is declared application/x-www-form-urlencoded (parameters after `;` allowed). */
export function isFormEncoded(c: Context): boolean {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(c.req.header("content-type") ?? "");
}
