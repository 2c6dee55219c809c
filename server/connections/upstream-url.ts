/** 127.0.0.0/8, ::1 and localhost: the only hosts an upstream may be reached over plain http, and only outside production. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

export type UpstreamUrlPolicy = {
  /** Outside production, `http://` is accepted on loopback hosts (a local provider in development and tests). */
  readonly production: boolean;
};

/** An upstream URL the policy admits (`null`: unset), or why it does not, in a sentence that names the field. */
export type UpstreamUrlAssessment = { readonly url: string | null } | { readonly problem: string };

/**
 * An upstream endpoint (authorize, token, userinfo, revocation, issuer): absolute https, no credentials, no fragment;
 * `http://` only on loopback outside production. Empty means unset (null). Each caller raises its own error from the
 * `problem` (a validation error for an admin's input, an upstream misconfiguration at use).
 */
export function assessUpstreamUrl(
  field: string,
  value: string | null | undefined,
  policy: UpstreamUrlPolicy,
): UpstreamUrlAssessment {
  const raw = value?.trim() ?? "";
  if (raw === "") return { url: null };
  if (!URL.canParse(raw)) return { problem: `${field} must be an absolute https URL` };
  const url = new URL(raw);
  const loopbackHttp = url.protocol === "http:" && !policy.production && isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) {
    return {
      problem: policy.production
        ? `${field} must use https`
        : `${field} must use https (http only on loopback in development)`,
    };
  }
  if (url.username || url.password) return { problem: `${field} must not contain credentials` };
  if (url.hash) return { problem: `${field} must not have a fragment` };
  return { url: raw };
}
