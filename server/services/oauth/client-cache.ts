import type { EntityManager, EventSubscriber, FlushEventArgs, TransactionEventArgs } from "@mikro-orm/postgresql";
import type pg from "pg";
import { Application, ClientSecret } from "../../db/entities/index.ts";
import { query, type Statement } from "../../db/native-pool.ts";
import { NotifiedCache } from "../../db/notified-cache.ts";
import type { ClientRecord } from "./client-record.ts";

/** An active (unrevoked) secret of a client: its SHA-256, expiry and when it was last used (ms since the epoch). */
export type CachedSecret = {
  readonly id: string;
  readonly hash: string;
  readonly expiresAt: number | null;
  lastUsedAt: number | null;
};

/** What client authentication needs of an app: its settings and the hashes of its usable secrets. */
export type ClientEntry = { readonly record: ClientRecord; readonly secrets: readonly CachedSecret[] };

/** The channel the database triggers of the client-cache migration notify, with the application id as payload. */
export const CLIENT_CHANGES_CHANNEL = "latch_clients";

/** A safety net only: entries are dropped on change by NOTIFY; this bounds how long a missed one could live. */
const ENTRY_TTL_MS = 10 * 60_000;
/** Unknown and misbehaving client ids are not cached, so the cache holds at most this many real clients. */
const MAX_ENTRIES = 10_000;

/**
 * Verified client records, by client_id, so a warm token request authenticates its client without SQL (a
 * NotifiedCache: valid while the LISTEN connection reports changes), with the application id of each so a NOTIFY,
 * which names the application, finds its entry.
 */
export class ClientCache {
  readonly #clientIdByAppId = new Map<string, string>();
  readonly #entries = new NotifiedCache<ClientEntry>({
    ttlMs: ENTRY_TTL_MS,
    maxEntries: MAX_ENTRIES,
    onForget: (_clientId, entry) => this.#clientIdByAppId.delete(entry.record.id),
  });

  get enabled(): boolean {
    return this.#entries.enabled;
  }

  get size(): number {
    return this.#entries.size;
  }

  get generation(): number {
    return this.#entries.generation;
  }

  enable(): void {
    this.#clientIdByAppId.clear();
    this.#entries.enable();
  }

  disable(): void {
    this.#entries.disable();
    this.#clientIdByAppId.clear();
  }

  get(clientId: string, now = Date.now()): ClientEntry | undefined {
    return this.#entries.get(clientId, now);
  }

  /** Stores `entry` if caching is on and nothing was invalidated since `generation` (taken before loading it). */
  put(entry: ClientEntry, generation: number): void {
    if (this.#entries.put(entry.record.clientId, entry, generation)) {
      this.#clientIdByAppId.set(entry.record.id, entry.record.clientId);
    }
  }

  /** Drops the entry of an application (by row id), as a NOTIFY or a local commit reports it changed. */
  invalidateApplication(applicationId: string): void {
    this.#entries.invalidate(this.#clientIdByAppId.get(applicationId));
  }

  clear(): void {
    this.#entries.clear();
    this.#clientIdByAppId.clear();
  }
}

/**
 * Creates the client cache of `em`'s database (once per process: the runtime's, server/runtime.ts) and subscribes it
 * to the ORM's commits, so changes made by this process (the control plane, the services) drop entries the moment
 * they commit; other processes' changes arrive by NOTIFY. The cache starts disabled: the LISTEN connection enables it.
 */
export function createClientCache(em: EntityManager): ClientCache {
  const cache = new ClientCache();
  em.getEventManager().registerSubscriber(new LocalClientChanges(cache));
  return cache;
}

/**
 * Drops the entries of apps whose Application or ClientSecret rows a committed unit of work touched. Deletes and
 * bulk updates bypass the unit of work, but every service loads the app or secret before changing it, so the entity
 * is in the identity map; anything else is caught by the NOTIFY a few milliseconds later.
 */
class LocalClientChanges implements EventSubscriber {
  readonly #cache: ClientCache;

  constructor(cache: ClientCache) {
    this.#cache = cache;
  }

  #sweep(uow: FlushEventArgs["uow"] | undefined): void {
    if (!uow || !this.#cache.enabled) return;
    for (const entity of uow.getIdentityMap()) {
      if (entity instanceof Application) this.#cache.invalidateApplication(entity.id);
      else if (entity instanceof ClientSecret) this.#cache.invalidateApplication(entity.application.id);
    }
  }

  afterFlush(args: FlushEventArgs): void {
    this.#sweep(args.uow);
  }

  afterTransactionCommit(args: TransactionEventArgs): void {
    this.#sweep(args.uow);
  }
}

type ClientRow = {
  id: string;
  client_id: string;
  organization_id: string;
  name: string;
  type: "confidential" | "public";
  is_active: boolean;
  grant_types: string[];
  allowed_scopes: string[];
  allow_password_grant: boolean;
  access_token_format: "jwt" | "opaque";
  access_token_ttl: number;
  refresh_token_ttl: number;
  refresh_token_rotation: boolean;
  refresh_reuse_interval: number;
  token_endpoint_auth_method: "client_secret_basic" | "client_secret_post" | "any";
  is_resource_server: boolean;
  secrets: { id: string; hash: string; expires_at: number | null; last_used_at: number | null }[];
};

const LOAD_CLIENT: Statement = {
  name: "latch_load_client",
  text: `select a.id, a.client_id, a.organization_id, a.name, a.type, a.is_active, a.grant_types, a.allowed_scopes,
      a.allow_password_grant, a.access_token_format, a.access_token_ttl, a.refresh_token_ttl, a.refresh_token_rotation,
      a.refresh_reuse_interval, a.token_endpoint_auth_method, a.is_resource_server,
      coalesce((select json_agg(json_build_object('id', s.id, 'hash', s.secret_hash,
          'expires_at', (extract(epoch from s.expires_at) * 1000)::float8,
          'last_used_at', (extract(epoch from s.last_used_at) * 1000)::float8))
        from client_secrets s where s.application_id = a.id and s.revoked_at is null), '[]'::json) as secrets
    from applications a where a.client_id = $1`,
};

/** Loads a client and its unrevoked secrets in one statement; null when no app has this client_id. */
export async function loadClientEntry(pool: pg.Pool, clientId: string): Promise<ClientEntry | null> {
  const [row] = await query<ClientRow>(pool, LOAD_CLIENT, [clientId]);
  if (!row) return null;
  return {
    record: {
      id: row.id,
      clientId: row.client_id,
      organizationId: row.organization_id,
      name: row.name,
      type: row.type,
      isActive: row.is_active,
      grantTypes: row.grant_types,
      allowedScopes: row.allowed_scopes,
      allowPasswordGrant: row.allow_password_grant,
      accessTokenFormat: row.access_token_format,
      accessTokenTtl: row.access_token_ttl,
      refreshTokenTtl: row.refresh_token_ttl,
      refreshTokenRotation: row.refresh_token_rotation,
      refreshReuseInterval: row.refresh_reuse_interval,
      tokenEndpointAuthMethod: row.token_endpoint_auth_method,
      isResourceServer: row.is_resource_server,
    },
    secrets: row.secrets.map((s) => ({
      id: s.id,
      hash: s.hash,
      expiresAt: s.expires_at,
      lastUsedAt: s.last_used_at,
    })),
  };
}
