import type { Context } from "hono";
import { InvalidRequestError } from "../oauth/errors.ts";
import { checkParamBounds } from "../oauth/form-params.ts";

/**
 * Reads an application/x-www-form-urlencoded body, the only encoding RFC 6749 §3.2, RFC 7009 §2.1 and RFC 7662 §2.1
 * accept. JSON or multipart is refused with a precise message rather than misread; so is a body with a repeated
 * parameter or too many of them (RFC 6749 §3.1, §3.2; see checkParamBounds).
 *
 * @throws {InvalidRequestError}
 */
export async function readForm(c: Context): Promise<URLSearchParams> {
  if (!isFormEncoded(c)) {
    throw new InvalidRequestError("Content-Type must be application/x-www-form-urlencoded");
  }
  const form = new URLSearchParams(await c.req.text());
  checkParamBounds(form);
  return form;
}

/** Whether the request body is declared application/x-www-form-urlencoded (parameters after `;` allowed). */
export function isFormEncoded(c: Context): boolean {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(c.req.header("content-type") ?? "");
}
