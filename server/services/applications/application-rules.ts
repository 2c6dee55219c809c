import type { SecondsRange } from "../../db/entities/application-settings.ts";
import { validateAppName } from "../../oauth/app-name.ts";
import { validateRedirectUriRegistration } from "../../oauth/redirect-uri.ts";
import { BUILT_IN_SCOPE_NAMES } from "../../oauth/scope-catalogue.ts";
import { ValidationError } from "../errors.ts";

export const APPLICATION_GRANT_TYPES = [
  "authorization_code",
  "refresh_token",
  "client_credentials",
  "password",
] as const;
export type ApplicationGrantType = (typeof APPLICATION_GRANT_TYPES)[number];

/** How a confidential app may authenticate (RFC 7591 §2 `token_endpoint_auth_method`); `any`: either secret method. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "any"] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}){1,2}$/;

/** A display name: trimmed, 1 to 100 characters. */
export function checkName(field: string, value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > 100) throw new ValidationError(field, `${field} must be 1 to 100 characters`);
  return name;
}

/**
 * An app's name, as the consent page shows it: {@link checkName}, and nothing that disguises who asks (bidi
 * controls, zero-width or control characters, a word mixing scripts; server/oauth/app-name.ts).
 */
export function checkAppName(value: string): string {
  const name = checkName("name", value);
  const result = validateAppName(name);
  if (!result.ok) throw new ValidationError("name", `name ${result.reason}`);
  return name;
}

/** A deployment marker: trimmed, at most 200 characters; empty means none. */
export function checkManagedBy(value: string | null): string | null {
  const marker = value?.trim() ?? "";
  if (marker.length > 200) throw new ValidationError("managedBy", "managedBy must be at most 200 characters");
  return marker === "" ? null : marker;
}

export function checkRedirectUris(uris: readonly string[]): string[] {
  const unique = [...new Set(uris)];
  for (const uri of unique) {
    const result = validateRedirectUriRegistration(uri);
    if (!result.ok) throw new ValidationError("redirectUris", `redirect URI "${uri}" is invalid: ${result.reason}`);
  }
  return unique;
}

/** Scopes an app may request: built-ins or the organization's own. */
export function checkAllowedScopes(scopes: readonly string[], customScopes: readonly string[]): string[] {
  const known = new Set([...BUILT_IN_SCOPE_NAMES, ...customScopes]);
  const unknown = scopes.find((scope) => !known.has(scope));
  if (unknown !== undefined) throw new ValidationError("allowedScopes", `unknown scope "${unknown}"`);
  return [...new Set(scopes)];
}

/** Grant types: public clients cannot authenticate, so they get neither client_credentials nor password. */
export function checkGrantTypes(
  grantTypes: readonly string[],
  type: "confidential" | "public",
  allowPasswordGrant: boolean,
): ApplicationGrantType[] {
  const unknown = grantTypes.find((grant) => !(APPLICATION_GRANT_TYPES as readonly string[]).includes(grant));
  if (unknown !== undefined) {
    throw new ValidationError(
      "grantTypes",
      `unknown grant type "${unknown}"; expected ${APPLICATION_GRANT_TYPES.join(", ")}`,
    );
  }
  if (type === "public" && grantTypes.includes("client_credentials")) {
    throw new ValidationError("grantTypes", "public applications cannot use client_credentials");
  }
  if (grantTypes.includes("password") && !allowPasswordGrant) {
    throw new ValidationError("grantTypes", "the password grant needs allowPasswordGrant: true");
  }
  return [...new Set(grantTypes)] as ApplicationGrantType[];
}

/** A pinned authentication method needs a secret: public apps (which send only client_id) keep `any`. */
export function checkTokenEndpointAuthMethod(value: string, type: "confidential" | "public"): TokenEndpointAuthMethod {
  if (!(TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(value)) {
    throw new ValidationError(
      "tokenEndpointAuthMethod",
      `unknown tokenEndpointAuthMethod "${value}"; expected ${TOKEN_ENDPOINT_AUTH_METHODS.join(", ")}`,
    );
  }
  if (type === "public" && value !== "any") {
    throw new ValidationError(
      "tokenEndpointAuthMethod",
      "public applications have no client secret: they authenticate with client_id alone",
    );
  }
  return value as TokenEndpointAuthMethod;
}

/** Only a confidential app can introspect (RFC 7662 §2.1), so only one can be a resource server. */
export function checkIsResourceServer(value: boolean, type: "confidential" | "public"): boolean {
  if (value && type === "public") {
    throw new ValidationError("isResourceServer", "a resource server must be a confidential application");
  }
  return value;
}

export function checkColor(field: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (!HEX_COLOR.test(value)) throw new ValidationError(field, `${field} must be a hex color like #1a2b3c`);
  return value.toLowerCase();
}

/** Links shown to people on the consent page: https only (http on loopback for development). */
export function checkPublicUrl(field: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (!URL.canParse(value)) throw new ValidationError(field, `${field} must be an absolute URL`);
  const url = new URL(value);
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new ValidationError(field, `${field} must use https`);
  }
  return value;
}

export function checkSeconds(
  field: string,
  value: number | undefined,
  range: Pick<SecondsRange, "min" | "max">,
): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ValidationError(field, `${field} must be an integer from ${range.min} to ${range.max} seconds`);
  }
  return value;
}
