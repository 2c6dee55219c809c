import type { EntityManager } from "@mikro-orm/postgresql";
import type { UpstreamUrlPolicy } from "../../connections/upstream-url.ts";
import { IntegrationCredential, type IntegrationGrantType, integrationGrantTypes } from "../../db/entities/index.ts";
import { checkUpstreamUrl } from "../check-upstream-url.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";

export { checkClientId, checkClientSecret, checkScopes } from "../identity-providers/identity-provider-rules.ts";

const MAX_DOMAIN_LENGTH = 253;
const MAX_PASSWORD_LENGTH = 1024;
const MAX_TEXT_LENGTH = 500;
// DNS-style labels (RFC 1123 §2.1): the integration's name is its upstream's domain, e.g. "github.com" or "slack".
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The integration's identifier in its organization: a hostname-like name, lowercased so lookups ignore case. */
export function checkDomain(value: string): string {
  const domain = value.trim().toLowerCase();
  if (domain.length === 0 || domain.length > MAX_DOMAIN_LENGTH || !DOMAIN.test(domain)) {
    throw new ValidationError(
      "domain",
      "domain must be a hostname-like name (letters, digits, hyphens and dots, e.g. github.com), at most 253 characters",
    );
  }
  return domain;
}

export function checkGrantType(value: string): IntegrationGrantType {
  if (!(integrationGrantTypes as readonly string[]).includes(value)) {
    throw new ValidationError("grantType", `grantType must be one of ${integrationGrantTypes.join(", ")}`);
  }
  return value as IntegrationGrantType;
}

/** A token URL is what every grant needs: without one no token can ever be acquired. */
export function checkTokenUrl(value: string | null | undefined, policy: UpstreamUrlPolicy): string {
  const tokenUrl = checkUpstreamUrl("tokenUrl", value, policy);
  if (tokenUrl === null) throw new ValidationError("tokenUrl", "tokenUrl is required");
  return tokenUrl;
}

/** A free-text setting (username, audience): trimmed, empty means unset. */
export function checkOptionalText(field: string, value: string | null | undefined): string | null {
  const text = value?.trim() ?? "";
  if (text === "") return null;
  if (text.length > MAX_TEXT_LENGTH) {
    throw new ValidationError(field, `${field} must be at most ${MAX_TEXT_LENGTH} characters`);
  }
  return text;
}

/**
 * The resource owner's password for the password grant (RFC 6749 §4.3), taken as typed (spaces may be part of it).
 * Empty means none was given. The message never echoes it.
 */
export function checkPassword(value: string | null | undefined): string | null {
  if (value == null || value === "") return null;
  if (value.length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError("password", `password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  return value;
}

/** What the grant type demands of the settings as they will be stored, once the change is applied. */
export type GrantSettings = {
  readonly grantType: IntegrationGrantType;
  readonly authorizeUrl: string | null;
  readonly username: string | null;
  readonly hasPassword: boolean;
};

/**
 * The authorization code grant sends people to the authorize URL (RFC 6749 §4.1.1); the password grant sends a
 * username and password to the token endpoint (RFC 6749 §4.3.2). Other grants use neither credential, so giving one
 * is a mistake worth naming rather than storing a password that is never used.
 */
export function checkGrantRequirements(settings: GrantSettings): void {
  if (settings.grantType === "authorization_code" && settings.authorizeUrl === null) {
    throw new ValidationError("authorizeUrl", "authorizeUrl is required for the authorization_code grant");
  }
  if (settings.grantType === "password") {
    if (settings.username === null) {
      throw new ValidationError("username", "username is required for the password grant");
    }
    if (!settings.hasPassword) throw new ValidationError("password", "password is required for the password grant");
  }
}

/** Username and password belong to the password grant only. */
export function checkNoResourceOwnerCredentials(
  grantType: IntegrationGrantType,
  given: { username: string | null | undefined; password: string | null | undefined },
): void {
  if (grantType === "password") return;
  for (const field of ["username", "password"] as const) {
    if (given[field] != null && given[field] !== "") {
      throw new ValidationError(field, `${field} applies only to the password grant`);
    }
  }
}

/** An organization names each integration domain once; the message names the domain, never a secret. */
export async function assertDomainFree(
  tx: EntityManager,
  organizationId: string,
  domain: string,
  exceptId: string | null,
): Promise<void> {
  const where = exceptId
    ? { organization: organizationId, domain, id: { $ne: exceptId } }
    : { organization: organizationId, domain };
  if ((await tx.count(IntegrationCredential, where)) > 0) throw domainTaken(domain);
}

export function domainTaken(domain: string): ConflictError {
  return new ConflictError(`an integration for "${domain}" already exists in this organization`, "domain");
}

/** An integration of the organization; another organization's is not found, exactly like one that does not exist. */
export async function findIntegration(
  tx: EntityManager,
  integrationId: string,
  organizationId: string,
): Promise<IntegrationCredential> {
  const integration = await tx.findOne(IntegrationCredential, { id: integrationId, organization: organizationId });
  if (!integration) throw new NotFoundError("Integration");
  return integration;
}
