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

const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}){1,2}$/;

/** A display name: trimmed, 1 to 100 characters. */
export function checkName(field: string, value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > 100) throw new ValidationError(field, `${field} must be 1 to 100 characters`);
  return name;
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

export function checkSeconds(field: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, `${field} must be an integer from ${min} to ${max} seconds`);
  }
  return value;
}
