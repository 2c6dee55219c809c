/** What a control-plane API key may be allowed to do; `admin` implies every other scope. */
export const API_KEY_SCOPES = [
  "apps:read",
  "apps:write",
  "grants:read",
  "grants:write",
  "webhooks:write",
  "admin",
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** Whether a key holding `granted` may act with `required`: `admin` implies everything, `x:write` implies `x:read`. */
export function apiKeyAllows(granted: readonly string[], required: ApiKeyScope): boolean {
  if (granted.includes("admin") || granted.includes(required)) return true;
  return required.endsWith(":read") && granted.includes(required.replace(/:read$/, ":write"));
}
