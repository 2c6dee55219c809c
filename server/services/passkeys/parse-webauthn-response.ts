import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

const MAX_RESPONSE_LENGTH = 16_384;

function parseObject(text: unknown): Record<string, unknown> | null {
  if (typeof text !== "string" || text.length === 0 || text.length > MAX_RESPONSE_LENGTH) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function hasShape(value: Record<string, unknown> | null, fields: readonly string[]): boolean {
  if (!value || typeof value.id !== "string" || value.type !== "public-key") return false;
  const response = value.response;
  if (typeof response !== "object" || response === null) return false;
  return fields.every((field) => typeof (response as Record<string, unknown>)[field] === "string");
}

/** The browser's `startRegistration` result (a form field's JSON), or null when it is not one. */
export function parseRegistrationResponse(text: unknown): RegistrationResponseJSON | null {
  const value = parseObject(text);
  return hasShape(value, ["clientDataJSON", "attestationObject"])
    ? (value as unknown as RegistrationResponseJSON)
    : null;
}

/** The browser's `startAuthentication` result (a form field's JSON), or null when it is not one. */
export function parseAuthenticationResponse(text: unknown): AuthenticationResponseJSON | null {
  const value = parseObject(text);
  return hasShape(value, ["clientDataJSON", "authenticatorData", "signature"])
    ? (value as unknown as AuthenticationResponseJSON)
    : null;
}
