import type { MikroORM } from "@mikro-orm/postgresql";
import type { MasterKeyring } from "./crypto/master-key.ts";
import { csrfKey } from "./http/csrf.ts";
import { createTokenSigner, type TokenSigner } from "./services/oauth/token-signer.ts";
import { createUsageCounter, type UsageCounter } from "./services/usage/count-usage.ts";

/**
 * The process's long-lived state, built once at start-up (start.ts, worker.ts, cli.ts, the test server) and handed
 * down explicitly: faces get it in their deps (HttpDeps, the GraphQL context) and give services the parts they need.
 * Nothing here is found by a lookup keyed on the ORM or the pool. See docs/runtime.md.
 */
export type Runtime = {
  /** Signs and verifies the JWTs Latch issues; its key cache is reset after a rotation. */
  readonly signer: TokenSigner;
  /** The HMAC key of the HTML forms' CSRF tokens, derived once from the active master key. */
  readonly csrfKey: Buffer;
  /** The per-app, per-day usage counts, held in memory and written once a second (and at stop). */
  readonly usage: UsageCounter;
};

export type RuntimeDeps = {
  readonly orm: MikroORM;
  readonly keyring: MasterKeyring;
  /** PUBLIC_URL: the issuer of the tokens the signer signs. */
  readonly issuer: string;
};

/** Builds the runtime over an open ORM. The caller still owns the ORM: it closes it after {@link stopRuntime}. */
export async function createRuntime(deps: RuntimeDeps): Promise<Runtime> {
  return {
    signer: createTokenSigner({ em: () => deps.orm.em.fork(), keyring: deps.keyring, issuer: deps.issuer }),
    csrfKey: csrfKey(deps.keyring),
    usage: createUsageCounter(deps.orm.em),
  };
}

/** Stops what the runtime runs, in order, before the caller closes the database. Safe to call once. */
export async function stopRuntime(runtime: Runtime): Promise<void> {
  // The counts still in memory are written while the pool is open.
  await runtime.usage.stop();
  runtime.signer.reset();
}
