import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import type { UpstreamUrlPolicy } from "../../connections/upstream-url.ts";
import { seal } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { integrationPasswordAad, integrationSecretAad } from "../../crypto/secret-aad.ts";
import { IntegrationCredential, Organization } from "../../db/entities/index.ts";
import { checkUpstreamUrl } from "../check-upstream-url.ts";
import { NotFoundError } from "../errors.ts";
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
} from "./integration-rules.ts";

export type CreateIntegrationInput = {
  readonly organizationId: string;
  readonly domain: string;
  readonly clientId: string;
  /** Write-only: sealed at rest, never returned; only its last four characters are kept in the clear. */
  readonly clientSecret: string;
  readonly grantType: string;
  readonly authorizeUrl?: string | null;
  readonly tokenUrl: string | null;
  readonly revocationUrl?: string | null;
  readonly scopes?: readonly string[] | null;
  /** The password grant's resource owner. */
  readonly username?: string | null;
  /** Write-only like the client secret. */
  readonly password?: string | null;
  readonly audience?: string | null;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
  /** https only in production; loopback http too elsewhere (default: production). */
  readonly urlPolicy?: UpstreamUrlPolicy;
};

/**
 * Registers an organization's OAuth client at an upstream service (one per domain). The client secret and the
 * password are envelope-encrypted, each bound to the new row's id and its column, so neither ciphertext opens
 * anywhere else. Every field is validated before anything is written.
 */
export async function createIntegration(
  em: EntityManager,
  keyring: MasterKeyring,
  input: CreateIntegrationInput,
  now: Date,
): Promise<IntegrationCredential> {
  const policy = input.urlPolicy ?? { production: true };
  const domain = checkDomain(input.domain);
  const clientId = checkClientId(input.clientId);
  const clientSecret = checkClientSecret(input.clientSecret);
  const grantType = checkGrantType(input.grantType);
  const authorizeUrl = checkUpstreamUrl("authorizeUrl", input.authorizeUrl, policy);
  const tokenUrl = checkTokenUrl(input.tokenUrl, policy);
  const revocationUrl = checkUpstreamUrl("revocationUrl", input.revocationUrl, policy);
  const scopes = checkScopes(input.scopes ?? []);
  checkNoResourceOwnerCredentials(grantType, { username: input.username, password: input.password });
  const username = checkOptionalText("username", input.username);
  const password = checkPassword(input.password);
  const audience = checkOptionalText("audience", input.audience);
  checkGrantRequirements({ grantType, authorizeUrl, username, hasPassword: password !== null });

  try {
    return await em.transactional(async (tx) => {
      const organization = await tx.findOne(Organization, { id: input.organizationId });
      if (!organization) throw new NotFoundError("Organization");
      await assertDomainFree(tx, organization.id, domain, null);
      const id = crypto.randomUUID();
      const integration = tx.create(IntegrationCredential, {
        id,
        organization,
        domain,
        clientId,
        clientSecretEncrypted: seal(keyring, clientSecret, integrationSecretAad(id)),
        clientSecretLast4: clientSecret.slice(-4),
        authorizeUrl,
        tokenUrl,
        revocationUrl,
        scopes,
        grantType,
        username,
        passwordEncrypted: password === null ? null : seal(keyring, password, integrationPasswordAad(id)),
        audience,
        createdAt: now,
        updatedAt: now,
      });
      recordIntegrationEvent(tx, "integration.created", integration, input.actor, {}, now);
      return integration;
    });
  } catch (error) {
    // Two concurrent creates of one domain: the unique index decides, and the loser gets the same typed error.
    if (error instanceof UniqueConstraintViolationException) throw domainTaken(domain);
    throw error;
  }
}
