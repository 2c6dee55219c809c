import type { EntityManager } from "@mikro-orm/postgresql";
import type { UpstreamUrlPolicy } from "../../connections/upstream-url.ts";
import { seal } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { identityProviderSecretAad } from "../../crypto/secret-aad.ts";
import { IdentityProvider } from "../../db/entities/index.ts";
import { recordAppOwnedEvent } from "../app-owned-event.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";
import { type AppleSigning, checkAppleSigning, checkSecretForSigning, secretLast4 } from "./apple-signing-rules.ts";
import {
  checkClientId,
  checkClientSecret,
  checkDisplayName,
  checkHttpsUrl,
  checkIssuer,
  checkKindRequirements,
  checkScopes,
} from "./identity-provider-rules.ts";

/** Absent means unchanged; null clears an optional field. An empty or absent clientSecret keeps the stored one. */
export type IdentityProviderChanges = {
  readonly displayName?: string | null;
  readonly clientId?: string;
  readonly clientSecret?: string | null;
  /** Apple only (see CreateIdentityProviderInput); switching between a pasted JWT and a .p8 key needs a new secret. */
  readonly appleTeamId?: string | null;
  readonly appleKeyId?: string | null;
  readonly issuer?: string | null;
  readonly authorizationEndpoint?: string | null;
  readonly tokenEndpoint?: string | null;
  readonly userinfoEndpoint?: string | null;
  readonly scopes?: readonly string[];
  readonly enabled?: boolean;
};

const ENDPOINTS = ["authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint"] as const;

/** Changes a provider in place; every field is validated before anything is written. The kind cannot change. */
export async function updateIdentityProvider(
  em: EntityManager,
  keyring: MasterKeyring,
  input: {
    readonly identityProviderId: string;
    readonly organizationId: string;
    readonly changes: IdentityProviderChanges;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
    /** Which URLs the provider may use: https only in production, loopback http too elsewhere (default: production). */
    readonly urlPolicy?: UpstreamUrlPolicy;
  },
  now: Date,
): Promise<IdentityProvider> {
  const { changes } = input;
  const policy = input.urlPolicy ?? { production: true };
  const next: Partial<Record<keyof IdentityProvider, unknown>> = {};
  if (changes.displayName !== undefined) next.displayName = checkDisplayName(changes.displayName);
  if (changes.clientId !== undefined) next.clientId = checkClientId(changes.clientId);
  if (changes.issuer !== undefined) next.issuer = checkIssuer(changes.issuer, policy);
  for (const field of ENDPOINTS) {
    if (changes[field] !== undefined) next[field] = checkHttpsUrl(field, changes[field], policy);
  }
  if (changes.scopes !== undefined) next.scopes = checkScopes(changes.scopes);
  if (changes.enabled !== undefined) next.enabled = changes.enabled;
  const newSecret = changes.clientSecret?.trim() ? checkClientSecret(changes.clientSecret) : null;

  return em.transactional(async (tx) => {
    const provider = await tx.findOne(IdentityProvider, {
      id: input.identityProviderId,
      application: { organization: input.organizationId },
    });
    if (!provider) throw new NotFoundError("IdentityProvider");
    checkKindRequirements(
      provider.kind,
      next.issuer !== undefined ? (next.issuer as string | null) : (provider.issuer ?? null),
    );
    const signing = nextSigning(provider, changes);
    if (signing !== undefined) {
      next.appleTeamId = signing?.teamId ?? null;
      next.appleKeyId = signing?.keyId ?? null;
    }
    await checkSecretChange(provider, signing, newSecret);
    const changed = Object.keys(next).filter(
      (key) =>
        JSON.stringify(next[key as keyof IdentityProvider] ?? null) !==
        JSON.stringify(provider[key as keyof IdentityProvider] ?? null),
    );
    if (newSecret !== null) {
      next.clientSecretEncrypted = seal(keyring, newSecret, identityProviderSecretAad(provider.id));
      next.clientSecretLast4 = secretLast4(newSecret);
      changed.push("clientSecret");
    }
    if (changed.length === 0) return provider;
    tx.assign(provider, { ...next, updatedAt: now } as Partial<IdentityProvider>);
    recordAppOwnedEvent(
      tx,
      "identity_provider.updated",
      { kind: "identity_provider", id: provider.id, applicationId: provider.application.id },
      input,
      {
        kind: provider.kind,
        displayName: provider.displayName ?? null,
        clientSecretLast4: provider.clientSecretLast4,
        changed,
      },
      now,
    );
    return provider;
  });
}

/** The provider's signing ids after the changes, or undefined when the changes leave them alone. */
function nextSigning(provider: IdentityProvider, changes: IdentityProviderChanges): AppleSigning | undefined {
  if (changes.appleTeamId === undefined && changes.appleKeyId === undefined) return undefined;
  return checkAppleSigning(
    provider.kind,
    changes.appleTeamId !== undefined ? changes.appleTeamId : provider.appleTeamId,
    changes.appleKeyId !== undefined ? changes.appleKeyId : provider.appleKeyId,
  );
}

/** A new secret must fit the provider's mode; a change of mode (pasted JWT ↔ .p8 key) must bring the new secret. */
async function checkSecretChange(
  provider: IdentityProvider,
  signing: AppleSigning | undefined,
  newSecret: string | null,
): Promise<void> {
  const stored: AppleSigning =
    provider.appleTeamId && provider.appleKeyId ? { teamId: provider.appleTeamId, keyId: provider.appleKeyId } : null;
  const next = signing === undefined ? stored : signing;
  if (newSecret !== null) return checkSecretForSigning(provider.kind, newSecret, next);
  if ((stored === null) !== (next === null)) {
    throw new ValidationError(
      "clientSecret",
      next ? "signing with a .p8 key needs the key as clientSecret" : "without appleKeyId, clientSecret must be given",
    );
  }
}
