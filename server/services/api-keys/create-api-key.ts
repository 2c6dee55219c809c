import type { EntityManager } from "@mikro-orm/postgresql";
import { mintSecret, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { ApiKey, Organization } from "../../db/entities/index.ts";
import { API_KEY_SCOPES, isApiKeyScope } from "../api-key-scopes.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

export type CreateApiKeyInput = {
  readonly organizationId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly expiresAt?: Date | null;
  readonly createdById?: string | null;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

export type CreatedApiKey = {
  readonly apiKey: ApiKey;
  /** Shown once; only its SHA-256 is stored. */
  readonly key: string;
};

function validate(input: CreateApiKeyInput, now: Date): void {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw new ValidationError("name", "name must be 1 to 100 characters");
  if (input.scopes.length === 0) throw new ValidationError("scopes", "scopes must name at least one scope");
  const unknown = input.scopes.find((scope) => !isApiKeyScope(scope));
  if (unknown !== undefined) {
    throw new ValidationError("scopes", `unknown scope "${unknown}"; expected one of ${API_KEY_SCOPES.join(", ")}`);
  }
  if (input.expiresAt && Number.isNaN(input.expiresAt.getTime())) {
    throw new ValidationError("expiresAt", "expiresAt must be a valid timestamp");
  }
  if (input.expiresAt && input.expiresAt <= now) {
    throw new ValidationError("expiresAt", "expiresAt must be in the future");
  }
}

/**
 * Mints an org-scoped API key; the plaintext is returned once and the row holds only its SHA-256. Works in the
 * caller's unit of work (the first-run bootstrap calls it inside its transaction): the key and its Event are
 * written by one flush.
 */
export async function createApiKey(em: EntityManager, input: CreateApiKeyInput, now: Date): Promise<CreatedApiKey> {
  validate(input, now);
  const organization = await em.findOne(Organization, { id: input.organizationId });
  if (!organization) throw new NotFoundError("Organization");
  const key = mintSecret(SECRET_PREFIXES.apiKey);
  const id = crypto.randomUUID();
  const apiKey = em.create(ApiKey, {
    id,
    organization,
    name: input.name.trim(),
    keyHash: hashSecret(key),
    last4: key.slice(-4),
    scopes: [...new Set(input.scopes)],
    createdBy: input.createdById ?? null,
    createdAt: now,
    expiresAt: input.expiresAt ?? null,
  });
  recordEvent(
    em,
    {
      type: "api_key.created",
      organizationId: organization.id,
      subjectType: "api_key",
      subjectId: id,
      actor: input.actor,
      payload: {
        apiKeyId: id,
        name: apiKey.name,
        last4: apiKey.last4,
        scopes: apiKey.scopes,
        expiresAt: apiKey.expiresAt?.toISOString() ?? null,
      },
    },
    now,
  );
  await em.flush();
  return { apiKey, key };
}
