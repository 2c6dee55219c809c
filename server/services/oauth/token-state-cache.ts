import type { EntityManager, EventSubscriber } from "@mikro-orm/postgresql";
import { NotifiedCache } from "../../db/notified-cache.ts";

/** The channel the database triggers of the token-state migration notify (no payload: every change clears all). */
export const TOKEN_STATE_CHANNEL = "latch_token_state";

/**
 * The live state of access tokens that were active when read (token, app, grant and user in one row), by token hash
 * or jti, so a resource server introspecting the same token again, or calling `/users/@me` with it, needs no SQL.
 * Revocation stays prompt because every change that could make a cached token inactive, or change what it answers
 * (a token, grant, app or user updated or deleted, by any process), clears the whole cache: database triggers NOTIFY
 * every server process, and this process's own writes clear it as they commit. Expiry is checked by the caller on
 * every use. A NotifiedCache: disabled (and empty) while the LISTEN connection is down.
 */
export type TokenStateCache<V> = NotifiedCache<V>;

/** A safety net only: every change clears the cache by NOTIFY; this bounds how long a missed one could live. */
const ENTRY_TTL_MS = 30_000;
/** Bounds memory (an entry is a few hundred bytes). */
const MAX_ENTRIES = 10_000;

/** A token-state cache with Latch's bounds (30 s, 10,000 entries). */
export const createTokenStateCache = <V>(): TokenStateCache<V> =>
  new NotifiedCache<V>({ ttlMs: ENTRY_TTL_MS, maxEntries: MAX_ENTRIES });

/**
 * Creates the token-state cache of `em`'s database (once per process: the runtime's, server/runtime.ts) and clears it
 * whenever this process commits through the ORM (every service that revokes, disables or deletes does), so its own
 * changes apply at once; other processes' changes arrive by NOTIFY. Starts disabled: the LISTEN connection enables it.
 */
export function createSubscribedTokenStateCache(em: EntityManager): TokenStateCache<unknown> {
  const cache = createTokenStateCache<unknown>();
  const clearOnCommit: EventSubscriber = {
    afterFlush: () => cache.clear(),
    afterTransactionCommit: () => cache.clear(),
  };
  em.getEventManager().registerSubscriber(clearOnCommit);
  return cache;
}
