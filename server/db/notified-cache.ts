export type NotifiedCacheOptions<V> = {
  /** A safety net only: entries are dropped on change by NOTIFY; this bounds how long a missed one could live. */
  readonly ttlMs: number;
  /** Bounds memory: past it, the oldest entry goes first. */
  readonly maxEntries: number;
  /** Called for every entry that leaves other than by `clear` (expired, evicted, deleted). */
  readonly onForget?: (key: string, value: V) => void;
};

type Stored<V> = { readonly value: V; readonly loadedAt: number };

/**
 * An in-process cache of database state that is valid only while changes reach it: `enable()` once the LISTEN
 * connection that reports them is in place, `disable()` (which also empties it) when that connection is lost.
 * Disabled, every lookup misses and goes to the database.
 *
 * A read that races a change must not put the stale value back: every invalidation bumps a generation, and a read
 * only stores its value when no invalidation happened since it started (take `generation` before reading).
 */
export class NotifiedCache<V> {
  readonly #entries = new Map<string, Stored<V>>();
  readonly #options: NotifiedCacheOptions<V>;
  #generation = 0;
  #enabled = false;

  constructor(options: NotifiedCacheOptions<V>) {
    this.#options = options;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  get size(): number {
    return this.#entries.size;
  }

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
    if (now - stored.loadedAt > this.#options.ttlMs) {
      this.#forget(key);
      return undefined;
    }
    return stored.value;
  }

  /** Stores `value` if caching is on and nothing was invalidated since `generation`; whether it was stored. */
  put(key: string, value: V, generation: number, now = Date.now()): boolean {
    if (!this.#enabled || generation !== this.#generation) return false;
    if (this.#entries.size >= this.#options.maxEntries && !this.#entries.has(key)) {
      this.#forget(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, { value, loadedAt: now });
    return true;
  }

  /** Drops one entry as a change reports it, and fails every read already in flight. */
  invalidate(key: string | undefined): void {
    this.#generation++;
    if (key !== undefined) this.#forget(key);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  #forget(key: string): void {
    const stored = this.#entries.get(key);
    if (!stored) return;
    this.#entries.delete(key);
    this.#options.onForget?.(key, stored.value);
  }
}
