import type { EntityManager, EventSubscriber } from "@mikro-orm/postgresql";

/** The channel the database triggers of the token-state migration notify (no payload: every change clears all). */
export const TOKEN_STATE_CHANNEL = "latch_token_state";

/** A safety net only: every change clears the cache by NOTIFY; this bounds how long a missed one could live. */
const ENTRY_TTL_MS = 30_000;
/** Bounds memory (an entry is a few hundred bytes): the oldest entry goes first. */
const MAX_ENTRIES = 10_000;

type Stored<V> = { readonly value: V; readonly loadedAt: number };

/**
 * The live state of access tokens that were active when read (token, app, grant and user in one row), by token hash
 * or jti, so a resource server introspecting the same token again, or calling `/users/@me` with it, needs no SQL.
 * Revocation stays prompt because every change that could make a cached token inactive, or change what it answers
 * (a token, grant, app or user updated or deleted, by any process), clears the whole cache: database triggers NOTIFY
 * every server process, and this process's own writes clear it as they commit. Expiry is checked by the caller on
 * every use. Valid only while changes reach it: disabled (and empty) while the LISTEN connection is down.
 *
 * A read that races a change must not put the stale row back: a clear bumps a generation, and a read only stores
 * its row when no clear happened since it started.
 */
export class TokenStateCache<V> {
  readonly #entries = new Map<string, Stored<V>>();
  #generation = 0;
  #enabled = false;

  get enabled(): boolean {
    return this.#enabled;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Take before reading from the database; pass to {@link put}. */
  get generation(): number {
    return this.#generation;
  }

  enable(): void {
    this.clear();
    this.#enabled = true;
  }

  disable(): void {
    this.#enabled = false;
    this.clear();
  }

  get(key: string, now = Date.now()): V | undefined {
    if (!this.#enabled) return undefined;
    const stored = this.#entries.get(key);
    if (!stored) return undefined;
    if (now - stored.loadedAt > ENTRY_TTL_MS) {
      this.#entries.delete(key);
      return undefined;
    }
    return stored.value;
  }

  /** Stores `value` if caching is on and nothing was cleared since `generation` (taken before reading it). */
  put(key: string, value: V, generation: number, now = Date.now()): void {
    if (!this.#enabled || generation !== this.#generation) return;
    if (this.#entries.size >= MAX_ENTRIES && !this.#entries.has(key)) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, { value, loadedAt: now });
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }
}

/** One cache per database (the driver is shared by every fork of an ORM); only a running server creates one. */
const caches = new WeakMap<object, TokenStateCache<unknown>>();

export function tokenStateCacheFor<V>(em: EntityManager): TokenStateCache<V> | undefined {
  return caches.get(em.getDriver()) as TokenStateCache<V> | undefined;
}

/** Clears the token-state cache of `em`'s database, if it has one: after a write the ORM's events do not see. */
export function clearTokenStateCache(em: EntityManager): void {
  tokenStateCacheFor(em)?.clear();
}

/**
 * Creates the token-state cache of `em`'s database and clears it whenever this process commits through the ORM
 * (every service that revokes, disables or deletes does), so its own changes apply at once; other processes' changes
 * arrive by NOTIFY. Starts disabled: the LISTEN connection enables it.
 */
export function installTokenStateCache(em: EntityManager): TokenStateCache<unknown> {
  const existing = caches.get(em.getDriver());
  if (existing) return existing;
  const cache = new TokenStateCache<unknown>();
  caches.set(em.getDriver(), cache);
  const clearOnCommit: EventSubscriber = {
    afterFlush: () => cache.clear(),
    afterTransactionCommit: () => cache.clear(),
  };
  em.getEventManager().registerSubscriber(clearOnCommit);
  return cache;
}
