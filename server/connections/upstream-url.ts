import { ValidationError } from "../services/errors.ts";

/** 127.0.0.0/8, ::1 and localhost: the only hosts an upstream may be reached over plain http, and only outside production. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

export type UpstreamUrlPolicy = {
  /** Outside production, `http://` is accepted on loopback hosts (a local provider in development and tests). */
  readonly production: boolean;
};

/**
 * An upstream endpoint (authorize, token, userinfo, revocation, issuer): absolute https, no credentials, no fragment;
 * `http://` only on loopback outside production. Empty means unset (null). Throws a ValidationError naming `field`.
 */
export function checkUpstreamUrl(
  field: string,
  value: string | null | undefined,
  policy: UpstreamUrlPolicy,
): string | null {
  const raw = value?.trim() ?? "";
  if (raw === "") return null;
  if (!URL.canParse(raw)) throw new ValidationError(field, `${field} must be an absolute https URL`);
  const url = new URL(raw);
  const loopbackHttp = url.protocol === "http:" && !policy.production && isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) {
    throw new ValidationError(
      field,
      policy.production ? `${field} must use https` : `${field} must use https (http only on loopback in development)`,
    );
  }
  if (url.username || url.password) throw new ValidationError(field, `${field} must not contain credentials`);
  if (url.hash) throw new ValidationError(field, `${field} must not have a fragment`);
  return raw;
}
