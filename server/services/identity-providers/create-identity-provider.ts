import type { EntityManager } from "@mikro-orm/postgresql";
import type { UpstreamUrlPolicy } from "../../connections/upstream-url.ts";
import { seal } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { identityProviderSecretAad } from "../../crypto/secret-aad.ts";
import { IdentityProvider } from "../../db/entities/index.ts";
import { recordAppOwnedEvent } from "../app-owned-event.ts";
import { ConflictError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";
import { checkAppleSigning, checkSecretForSigning, secretLast4 } from "./apple-signing-rules.ts";
import {
  checkClientId,
  checkClientSecret,
  checkDisplayName,
  checkHttpsUrl,
  checkIssuer,
  checkKind,
  checkKindRequirements,
  checkScopes,
  DEFAULT_PROVIDER_SCOPES,
  lockApplication,
} from "./identity-provider-rules.ts";

export type CreateIdentityProviderInput = {
  readonly applicationId: string;
  readonly organizationId: string;
  readonly kind: string;
  readonly displayName?: string | null;
  readonly clientId: string;
  /** Write-only: sealed at rest, never returned; only its last four characters are kept in the clear. */
  readonly clientSecret: string;
  /** Apple only, both or neither: clientSecret is then the .p8 key, and Latch signs each client-secret JWT. */
  readonly appleTeamId?: string | null;
  readonly appleKeyId?: string | null;
  readonly issuer?: string | null;
  readonly authorizationEndpoint?: string | null;
  readonly tokenEndpoint?: string | null;
  readonly userinfoEndpoint?: string | null;
  /** Defaults to {@link DEFAULT_PROVIDER_SCOPES} of the kind. */
  readonly scopes?: readonly string[] | null;
  readonly enabled?: boolean | null;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
  /** Which URLs the provider may use: https only in production, loopback http too elsewhere (default: production). */
  readonly urlPolicy?: UpstreamUrlPolicy;
};

/**
 * Adds an upstream login provider to an app. The client secret is envelope-encrypted under the master keyring,
 * bound to the new row's id. An app offers each well-known kind at most once; it may have several `oidc` ones.
 */
export async function createIdentityProvider(
  em: EntityManager,
  keyring: MasterKeyring,
  input: CreateIdentityProviderInput,
  now: Date,
): Promise<IdentityProvider> {
  const kind = checkKind(input.kind);
  const displayName = checkDisplayName(input.displayName);
  const clientId = checkClientId(input.clientId);
  const clientSecret = checkClientSecret(input.clientSecret);
  const signing = checkAppleSigning(kind, input.appleTeamId, input.appleKeyId);
  await checkSecretForSigning(kind, clientSecret, signing);
  const policy = input.urlPolicy ?? { production: true };
  const issuer = checkIssuer(input.issuer, policy);
  const authorizationEndpoint = checkHttpsUrl("authorizationEndpoint", input.authorizationEndpoint, policy);
  const tokenEndpoint = checkHttpsUrl("tokenEndpoint", input.tokenEndpoint, policy);
  const userinfoEndpoint = checkHttpsUrl("userinfoEndpoint", input.userinfoEndpoint, policy);
  const scopes = checkScopes(input.scopes ?? DEFAULT_PROVIDER_SCOPES[kind]);
  checkKindRequirements(kind, issuer);

  return em.transactional(async (tx) => {
    const app = await lockApplication(tx, input.applicationId, input.organizationId);
    if (kind !== "oidc" && (await tx.count(IdentityProvider, { application: app.id, kind })) > 0) {
      throw new ConflictError(`this application already has a ${kind} provider`, "kind");
    }
    const id = crypto.randomUUID();
    const provider = tx.create(IdentityProvider, {
      id,
      application: app,
      kind,
      displayName,
      clientId,
      clientSecretEncrypted: seal(keyring, clientSecret, identityProviderSecretAad(id)),
      clientSecretLast4: secretLast4(clientSecret),
      appleTeamId: signing?.teamId ?? null,
      appleKeyId: signing?.keyId ?? null,
      issuer,
      authorizationEndpoint,
      tokenEndpoint,
      userinfoEndpoint,
      scopes,
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    });
    recordAppOwnedEvent(
      tx,
      "identity_provider.created",
      { kind: "identity_provider", id: id, applicationId: app.id },
      input,
      {
        kind,
        displayName,
        clientId,
        clientSecretLast4: provider.clientSecretLast4,
        appleKeyId: provider.appleKeyId ?? null,
        enabled: provider.enabled,
      },
      now,
    );
    return provider;
  });
}
