import type { EntityManager } from "@mikro-orm/postgresql";
import { ApiKey } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

/**
 * Revokes an API key: every request presenting it is refused from the moment the transaction commits (each
 * request looks the key up; nothing caches it). Idempotent: revoking a revoked key changes nothing and records
 * nothing. A key may revoke itself.
 */
export async function revokeApiKey(
  em: EntityManager,
  input: {
    readonly apiKeyId: string;
    readonly organizationId: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<ApiKey> {
  return em.transactional(async (tx) => {
    const apiKey = await tx.findOne(ApiKey, { id: input.apiKeyId, organization: input.organizationId });
    if (!apiKey) throw new NotFoundError("ApiKey");
    if (apiKey.revokedAt) return apiKey;
    apiKey.revokedAt = now;
    recordEvent(
      tx,
      {
        type: "api_key.revoked",
        organizationId: input.organizationId,
        subjectType: "api_key",
        subjectId: apiKey.id,
        actor: input.actor,
        payload: { apiKeyId: apiKey.id, name: apiKey.name, last4: apiKey.last4 },
      },
      now,
    );
    return apiKey;
  });
}
