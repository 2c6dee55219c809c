import { BUILT_IN_SCOPE_NAMES } from "../../oauth/scope-catalogue.ts";
import { ValidationError } from "../errors.ts";

/**
 * A custom scope name: a strict subset of RFC 6749 §3.3 scope-token (no spaces, quotes or backslashes), lowercase
 * so `Chat:Read` can never pose as `chat:read` on a consent page.
 */
const SCOPE_NAME = /^[a-z0-9:._-]{1,64}$/;

export function checkScopeName(value: string): string {
  if (!SCOPE_NAME.test(value)) {
    throw new ValidationError(
      "name",
      "name must be 1 to 64 characters of lowercase letters, digits, colon, dot, underscore or hyphen",
    );
  }
  if (BUILT_IN_SCOPE_NAMES.includes(value)) {
    throw new ValidationError("name", `"${value}" is a built-in scope; choose another name`);
  }
  return value;
}

/** The plain-words description people read on the consent page: trimmed, 1 to 200 characters. */
export function checkScopeDescription(value: string): string {
  const description = value.trim();
  if (description.length === 0 || description.length > 200) {
    throw new ValidationError("description", "description must be 1 to 200 characters");
  }
  return description;
}
