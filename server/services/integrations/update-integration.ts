import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import type { UpstreamUrlPolicy } from "../../connections/upstream-url.ts";
import { seal } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { integrationPasswordAad, integrationSecretAad } from "../../crypto/secret-aad.ts";
import type { IntegrationCredential } from "../../db/entities/index.ts";
import { checkUpstreamUrl } from "../check-upstream-url.ts";
import type { ActorType } from "../record-event.ts";
import { recordIntegrationEvent } from "./integration-event.ts";
import {
  assertDomainFree,
  checkClientId,
  checkClientSecret,
  checkDomain,
  checkGrantRequirements,
  checkGrantType,
  checkNoResourceOwnerCredentials,
  checkOptionalText,
  checkPassword,
  checkScopes,
  checkTokenUrl,
  domainTaken,
  findIntegration,
} from "./integration-rules.ts";

/**
 * Absent means unchanged; null clears an optional field. An empty or absent clientSecret or password keeps the
 * stored one (they are write-only, so a form cannot show them to send back).
 */
export type IntegrationChanges = {
  readonly domain?: string;
  readonly clientId?: string;
  readonly clientSecret?: string | null;
  readonly grantType?: string;
  readonly authorizeUrl?: string | null;
  readonly tokenUrl?: string | null;
  readonly revocationUrl?: string | null;
  readonly scopes?: readonly string[];
  readonly username?: string | null;
  readonly password?: string | null;
  readonly audience?: string | null;
};

type Next = Partial<Record<keyof IntegrationCredential, unknown>>;

/** Validates every plain (non-secret) field that is present, before anything is read or written. */
function checkPlainChanges(changes: IntegrationChanges, policy: UpstreamUrlPolicy): Next {
  const next: Next = {};
  if (changes.domain !== undefined) next.domain = checkDomain(changes.domain);
  if (changes.clientId !== undefined) next.clientId = checkClientId(changes.clientId);
  if (changes.grantType !== undefined) next.grantType = checkGrantType(changes.grantType);
  if (changes.authorizeUrl !== undefined)
    next.authorizeUrl = checkUpstreamUrl("authorizeUrl", changes.authorizeUrl, policy);
  if (changes.tokenUrl !== undefined) next.tokenUrl = checkTokenUrl(changes.tokenUrl, policy);
  if (changes.revocationUrl !== undefined) {
    next.revocationUrl = checkUpstreamUrl("revocationUrl", changes.revocationUrl, policy);
  }
  if (changes.scopes !== undefined) next.scopes = checkScopes(changes.scopes);
  if (changes.username !== undefined) next.username = checkOptionalText("username", changes.username);
  if (changes.audience !== undefined) next.audience = checkOptionalText("audience", changes.audience);
  return next;
}

const current = <K extends keyof IntegrationCredential>(next: Next, row: IntegrationCredential, key: K) =>
  (key in next ? next[key] : (row[key] ?? null)) as NonNullable<IntegrationCredential[K]> | null;

/**
 * Changes an integration in place, validating the result as a whole (the grant type's requirements hold for the
 * settings as they will be stored). Leaving the password grant drops the stored username and password, so no unused
 * credential lingers at rest.
 */
export async function updateIntegration(
  em: EntityManager,
  keyring: MasterKeyring,
  input: {
    readonly integrationId: string;
    readonly organizationId: string;
    readonly changes: IntegrationChanges;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
    /** https only in production; loopback http too elsewhere (default: production). */
    readonly urlPolicy?: UpstreamUrlPolicy;
  },
  now: Date,
): Promise<IntegrationCredential> {
  const { changes } = input;
  const next = checkPlainChanges(changes, input.urlPolicy ?? { production: true });
  const newSecret = changes.clientSecret?.trim() ? checkClientSecret(changes.clientSecret) : null;
  const newPassword = checkPassword(changes.password);

  try {
    return await em.transactional(async (tx) => {
      const integration = await findIntegration(tx, input.integrationId, input.organizationId);
      const grantType = current(next, integration, "grantType")!;
      checkNoResourceOwnerCredentials(grantType, { username: changes.username, password: changes.password });
      if (grantType !== "password") {
        next.username = null;
        next.passwordEncrypted = null;
      }
      checkGrantRequirements({
        grantType,
        authorizeUrl: current(next, integration, "authorizeUrl"),
        username: current(next, integration, "username"),
        hasPassword: newPassword !== null || (grantType === "password" && integration.passwordEncrypted != null),
      });
      if (next.domain !== undefined && next.domain !== integration.domain) {
        await assertDomainFree(tx, input.organizationId, next.domain as string, integration.id);
      }
      const changed = Object.keys(next).filter(
        (key) =>
          JSON.stringify(next[key as keyof IntegrationCredential] ?? null) !==
          JSON.stringify(integration[key as keyof IntegrationCredential] ?? null),
      );
      const passwordIndex = changed.indexOf("passwordEncrypted");
      if (passwordIndex >= 0) changed[passwordIndex] = "password";
      if (newSecret !== null) {
        next.clientSecretEncrypted = seal(keyring, newSecret, integrationSecretAad(integration.id));
        next.clientSecretLast4 = newSecret.slice(-4);
        changed.push("clientSecret");
      }
      if (newPassword !== null) {
        next.passwordEncrypted = seal(keyring, newPassword, integrationPasswordAad(integration.id));
        if (!changed.includes("password")) changed.push("password");
      }
      if (changed.length === 0) return integration;
      tx.assign(integration, { ...next, updatedAt: now } as Partial<IntegrationCredential>);
      recordIntegrationEvent(tx, "integration.updated", integration, input.actor, { changed }, now);
      return integration;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw domainTaken(next.domain as string);
    throw error;
  }
}
