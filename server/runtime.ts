import type { MikroORM } from "@mikro-orm/postgresql";
import type pg from "pg";
import { csrfKey } from "./crypto/derive-key.ts";
import type { MasterKeyring } from "./crypto/master-key.ts";
import { GroupBatchers } from "./db/group-batcher.ts";
import { nativePool } from "./db/native-pool.ts";
import { type ClientCache, createClientCache } from "./services/oauth/client-cache.ts";
import { createTokenSigner, type TokenSigner } from "./services/oauth/token-signer.ts";
import { createSubscribedTokenStateCache, type TokenStateCache } from "./services/oauth/token-state-cache.ts";
import { createUsageCounter, type UsageCounter } from "./services/usage/count-usage.ts";

/**
 * The process's long-lived state, built once at start-up by startLatch (start.ts: `npm start` and the test server) and
 * handed down explicitly: faces get it in their deps (HttpDeps, the GraphQL context) and give services the parts they
 * need (services declare the narrow shape they use; this object satisfies each). Nothing here is found by a lookup
 * keyed on the ORM or the pool, and no other module of server/ keeps such a cache (test/unit/architecture.test.ts).
 * The standalone worker and the CLI run nothing that reads it (no token path, no cache, no form), so they build none.
 */
export type Runtime = {
  /** Signs and verifies the JWTs Latch issues; its key cache is reset after a rotation. */
  readonly signer: TokenSigner;
  /** The HMAC key of the HTML forms' CSRF tokens, derived once from the active master key. */
  readonly csrfKey: Buffer;
  /** The per-app, per-day usage counts, held in memory and written once a second (and at stop). */
  readonly usage: UsageCounter;
  /** The `pg` pool behind the ORM, on which the token path runs its named statements (same connections). */
  readonly pool: pg.Pool;
  /** The group-commit queues of the token path's statements on {@link pool}, one per statement. */
  readonly batchers: GroupBatchers;
  /** Verified client records by client_id; disabled until a LISTEN connection enables it (start.ts). */
  readonly clients: ClientCache;
  /** Live access-token state for introspection and bearer calls; disabled until a LISTEN connection enables it. */
  readonly tokenState: TokenStateCache<unknown>;
};

export type RuntimeDeps = {
  readonly orm: MikroORM;
  readonly keyring: MasterKeyring;
  /** PUBLIC_URL: the issuer of the tokens the signer signs. */
  readonly issuer: string;
};

/**
 * Builds the runtime over an open ORM, once per process: the two caches subscribe to the ORM's commits here, so
 * this process's own changes drop their entries at once. The caller still owns the ORM (it closes it after
 * {@link stopRuntime}) and the LISTEN connection that enables the caches.
 */
export async function createRuntime(deps: RuntimeDeps): Promise<Runtime> {
  return {
    signer: createTokenSigner({ em: () => deps.orm.em.fork(), keyring: deps.keyring, issuer: deps.issuer }),
    csrfKey: csrfKey(deps.keyring),
    usage: createUsageCounter(deps.orm.em),
    pool: await nativePool(deps.orm.em),
    batchers: new GroupBatchers(),
    clients: createClientCache(deps.orm.em),
    tokenState: createSubscribedTokenStateCache(deps.orm.em),
  };
}

/** Stops what the runtime runs, in order, before the caller closes the database. Safe to call once. */
export async function stopRuntime(runtime: Runtime): Promise<void> {
  // The counts still in memory are written while the pool is open.
  await runtime.usage.stop();
  runtime.signer.reset();
  runtime.clients.disable();
  runtime.tokenState.disable();
}
