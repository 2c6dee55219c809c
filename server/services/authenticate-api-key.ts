import type { EntityManager } from "@mikro-orm/postgresql";
import { hasValidChecksum, SECRET_PREFIXES } from "../crypto/prefixed-secret.ts";
import { hashSecret } from "../crypto/sha256.ts";
import { ApiKey } from "../db/entities/index.ts";

/** Who is calling the control plane with an API key. Plain data: resolvers authorize on it. */
export type ApiKeyPrincipal = {
  readonly kind: "api_key";
  readonly apiKeyId: string;
  readonly organizationId: string;
  readonly scopes: readonly string[];
  readonly userId: null;
  readonly role: null;
};

/** lastUsedAt is written at most this often per key, so a busy key does not turn every read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Resolves a presented `latch_ak_` key to its principal, or null when it is unknown, revoked, expired or noise.
 * Lookup is by SHA-256 (the key's entropy makes a slow hash pointless), so the comparison is an index probe.
 */
export async function authenticateApiKey(
  em: EntityManager,
  presented: string,
  now: Date,
): Promise<ApiKeyPrincipal | null> {
  if (!presented.startsWith(SECRET_PREFIXES.apiKey) || !hasValidChecksum(presented)) return null;
  const apiKey = await em.findOne(ApiKey, {
    keyHash: hashSecret(presented),
    revokedAt: null,
    $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
  });
  if (!apiKey) return null;
  if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await em.nativeUpdate(ApiKey, { id: apiKey.id }, { lastUsedAt: now });
  }
  return {
    kind: "api_key",
    apiKeyId: apiKey.id,
    organizationId: apiKey.organization.id,
    scopes: apiKey.scopes,
    userId: null,
    role: null,
  };
}
