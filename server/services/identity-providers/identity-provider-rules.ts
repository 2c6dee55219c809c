import { type EntityManager, LockMode } from "@mikro-orm/postgresql";
import type { UpstreamUrlPolicy } from "../../connections/upstream-url.ts";
import { Application, type IdentityProviderKind, identityProviderKinds } from "../../db/entities/index.ts";
import { checkUpstreamUrl } from "../check-upstream-url.ts";
import { NotFoundError, ValidationError } from "../errors.ts";

/** Shorter upstream secrets would let `last4` give away too much of them; real providers issue far longer ones. */
export const MIN_CLIENT_SECRET_LENGTH = 8;
const MAX_CLIENT_SECRET_LENGTH = 8192;
const MAX_SCOPES = 50;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token

/** The scopes asked of each kind when none are given: enough to sign a person in and learn their email. */
export const DEFAULT_PROVIDER_SCOPES: Record<IdentityProviderKind, readonly string[]> = {
  google: ["openid", "email", "profile"],
  github: ["read:user", "user:email"],
  microsoft: ["openid", "email", "profile"],
  apple: ["name", "email"],
  discord: ["identify", "email"],
  oidc: ["openid", "email", "profile"],
};

export function checkKind(value: string): IdentityProviderKind {
  if (!(identityProviderKinds as readonly string[]).includes(value)) {
    throw new ValidationError("kind", `kind must be one of ${identityProviderKinds.join(", ")}`);
  }
  return value as IdentityProviderKind;
}

/** The label on the "Continue with ..." button; empty means the kind's own name. */
export function checkDisplayName(value: string | null | undefined): string | null {
  const name = value?.trim() ?? "";
  if (name === "") return null;
  if (name.length > 100) throw new ValidationError("displayName", "displayName must be at most 100 characters");
  return name;
}

export function checkClientId(value: string): string {
  const clientId = value.trim();
  if (clientId.length === 0 || clientId.length > 500) {
    throw new ValidationError("clientId", "clientId must be 1 to 500 characters");
  }
  return clientId;
}

/** The upstream client secret; the message never echoes it. */
export function checkClientSecret(value: string): string {
  const secret = value.trim();
  if (secret.length < MIN_CLIENT_SECRET_LENGTH || secret.length > MAX_CLIENT_SECRET_LENGTH) {
    throw new ValidationError(
      "clientSecret",
      `clientSecret must be ${MIN_CLIENT_SECRET_LENGTH} to ${MAX_CLIENT_SECRET_LENGTH} characters`,
    );
  }
  return secret;
}

/** Production's rule unless told otherwise: a caller that does not know where it runs gets the strict one. */
const PRODUCTION: UpstreamUrlPolicy = { production: true };

/**
 * An upstream endpoint or issuer: an absolute https URL without credentials or fragment. Tokens and user data
 * travel over these, so plain http is accepted only on loopback outside production (a local provider in development
 * and tests), the rule {@link checkUpstreamUrl} applies to every outbound flow.
 */
export function checkHttpsUrl(
  field: string,
  value: string | null | undefined,
  policy: UpstreamUrlPolicy = PRODUCTION,
): string | null {
  return checkUpstreamUrl(field, value, policy);
}

/** The OIDC issuer identifier (OpenID Connect Discovery §2): as {@link checkHttpsUrl}, and no query. */
export function checkIssuer(value: string | null | undefined, policy: UpstreamUrlPolicy = PRODUCTION): string | null {
  const issuer = checkHttpsUrl("issuer", value, policy);
  if (issuer !== null && new URL(issuer).search) throw new ValidationError("issuer", "issuer must not have a query");
  return issuer;
}

/**
 * Scopes as a list, each entry also read as a space-delimited scope string (RFC 6749 §3.3), so the seeds'
 * `"read write"` typed in one field (GraphQL coerces a lone string to a one-item list) means two scopes.
 */
export function checkScopes(entries: readonly string[]): string[] {
  const value = entries.flatMap((entry) => entry.split(/[ \t\n]+/)).filter((scope) => scope !== "");
  if (value.length > MAX_SCOPES) throw new ValidationError("scopes", `scopes may list at most ${MAX_SCOPES} scopes`);
  const invalid = value.find((scope) => !SCOPE_TOKEN.test(scope));
  if (invalid !== undefined) {
    throw new ValidationError("scopes", `scope ${JSON.stringify(invalid)} is not a valid scope token (RFC 6749 §3.3)`);
  }
  return [...new Set(value)];
}

/** A generic OpenID provider is only reachable through its issuer (discovery), so it must have one. */
export function checkKindRequirements(kind: IdentityProviderKind, issuer: string | null): void {
  if (kind === "oidc" && issuer === null) {
    throw new ValidationError("issuer", "an oidc provider needs an https issuer");
  }
}

/**
 * The app whose providers change, locked for the transaction so two concurrent creates cannot both add the same
 * kind. Another organization's app is not found.
 */
export async function lockApplication(
  tx: EntityManager,
  applicationId: string,
  organizationId: string,
): Promise<Application> {
  const app = await tx.findOne(
    Application,
    { id: applicationId, organization: organizationId },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  if (!app) throw new NotFoundError("Application");
  return app;
}
