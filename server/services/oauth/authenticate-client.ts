import type pg from "pg";
import { hashSecret, safeEqual } from "../../crypto/sha256.ts";
import type { Statement } from "../../db/native-pool.ts";
import { type ClientCredentials, checkRegisteredAuthMethod } from "../../oauth/client-authentication.ts";
import { InvalidClientError } from "../../oauth/errors.ts";
import { type CachedSecret, type ClientCache, type ClientEntry, loadClientEntry } from "./client-cache.ts";
import type { ClientRecord } from "./client-record.ts";

/** lastUsedAt is written at most this often per secret: a busy client should not turn every token into two writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** One message for every failure, so a caller cannot tell an unknown client from a wrong secret (RFC 6749 §5.2). */
const failed = () => new InvalidClientError("client authentication failed");

/** What client authentication runs on (the runtime's): the ORM's pool and the cache of verified client records. */
export type ClientAuthDeps = { readonly pool: pg.Pool; readonly clients: ClientCache };

const TOUCH_SECRET: Statement = {
  name: "latch_touch_client_secret",
  text: "update client_secrets set last_used_at = $2 where id = $1",
};

function matchingSecret(entry: ClientEntry, hash: string, now: number): CachedSecret | undefined {
  let found: CachedSecret | undefined;
  // Every secret is compared (in constant time), so timing tells nothing about which one matched.
  for (const secret of entry.secrets) {
    if (safeEqual(secret.hash, hash) && (secret.expiresAt === null || secret.expiresAt > now)) found = secret;
  }
  return found;
}

/**
 * The client and its usable secrets: from the cache of verified client records when it is warm (no SQL at all),
 * else one statement, whose result the cache keeps until a change to the app or its secrets is notified.
 */
async function lookup(deps: ClientAuthDeps, clientId: string): Promise<{ entry: ClientEntry | null; cached: boolean }> {
  const cache = deps.clients;
  const hit = cache.get(clientId);
  if (hit) return { entry: hit, cached: true };
  const generation = cache.generation;
  const entry = await loadClientEntry(deps.pool, clientId);
  if (entry) cache.put(entry, generation);
  return { entry, cached: false };
}

/**
 * Authenticates the client of a token, revocation or introspection request (RFC 6749 §2.3): a confidential client
 * with any unexpired, unrevoked secret, by the method it registered (`any`: either); a public client by its id alone
 * (it proves itself with PKCE instead).
 */
export async function authenticateClient(
  deps: ClientAuthDeps,
  credentials: ClientCredentials,
  now: Date,
): Promise<ClientRecord> {
  // PostgreSQL text cannot hold NUL: such an id names no client, and querying with it would be a 500.
  if (credentials.clientId.includes("\0")) throw failed();
  let { entry, cached } = await lookup(deps, credentials.clientId);
  if (!entry?.record.isActive) throw failed();
  if (credentials.method === "none") {
    if (entry.record.type !== "public") {
      throw new InvalidClientError("this client must authenticate with its client secret");
    }
    return entry.record;
  }
  if (entry.record.type !== "confidential") throw failed();
  const hash = hashSecret(credentials.clientSecret);
  let secret = matchingSecret(entry, hash, now.getTime());
  if (!secret && cached) {
    // A secret created a moment ago may not have reached this process's cache yet: ask the database once.
    entry = await loadClientEntry(deps.pool, credentials.clientId);
    if (!entry?.record.isActive || entry.record.type !== "confidential") throw failed();
    secret = matchingSecret(entry, hash, now.getTime());
  }
  if (!secret) throw failed();
  checkRegisteredAuthMethod(entry.record.tokenEndpointAuthMethod, credentials.method);
  if (secret.lastUsedAt === null || now.getTime() - secret.lastUsedAt > LAST_USED_RESOLUTION_MS) {
    secret.lastUsedAt = now.getTime();
    await deps.pool.query({ name: TOUCH_SECRET.name, text: TOUCH_SECRET.text, values: [secret.id, now] });
  }
  return entry.record;
}
