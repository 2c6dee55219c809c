import type { EntityManager } from "@mikro-orm/postgresql";

/** The per-app, per-day counters of docs/design.md's UsageCounter. */
export type UsageField =
  | "authorizations"
  | "tokens_authorization_code"
  | "tokens_refresh_token"
  | "tokens_client_credentials"
  | "tokens_password"
  | "refreshes"
  | "denials"
  | "errors";

const USAGE_FIELDS: readonly UsageField[] = [
  "authorizations",
  "tokens_authorization_code",
  "tokens_refresh_token",
  "tokens_client_credentials",
  "tokens_password",
  "refreshes",
  "denials",
  "errors",
];

const TOKEN_FIELDS: Record<string, UsageField> = {
  authorization_code: "tokens_authorization_code",
  refresh_token: "tokens_refresh_token",
  client_credentials: "tokens_client_credentials",
  password: "tokens_password",
};

export function tokenUsageField(grantType: string): UsageField | undefined {
  return TOKEN_FIELDS[grantType];
}

/** How long counts wait in memory before they are written: at most this much usage is lost if the process dies. */
export const USAGE_FLUSH_INTERVAL_MS = 1000;

/** A flush that keeps failing (the database is gone for good) gives up on the counts after this many attempts. */
const MAX_FAILED_FLUSHES = 60;

type Execute = (sql: string, params: unknown[]) => Promise<unknown>;
type Row = { applicationId: string; day: string; counts: Map<UsageField, number> };

/**
 * Counts in memory and writes them every second, one upsert per app and day for all the fields counted since the
 * last write. A token request then costs no round trip for its counter, and a busy app's counter row is updated once
 * a second instead of once a request (every request updating the same row would serialize them on its lock).
 */
class UsageBatcher {
  readonly #execute: Execute;
  #pending = new Map<string, Row>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #failures = 0;

  constructor(execute: Execute) {
    this.#execute = execute;
  }

  add(applicationId: string, field: UsageField, day: string, by = 1): void {
    const key = `${applicationId}|${day}`;
    let row = this.#pending.get(key);
    if (!row) {
      row = { applicationId, day, counts: new Map() };
      this.#pending.set(key, row);
    }
    row.counts.set(field, (row.counts.get(field) ?? 0) + by);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, USAGE_FLUSH_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Writes every pending count; resolves once they are in the database (or given up on). */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const rows = [...this.#pending.values()].sort((a, b) => (a.applicationId < b.applicationId ? -1 : 1));
    this.#pending = new Map();
    let failed = false;
    for (const row of rows) {
      const fields = USAGE_FIELDS.filter((field) => row.counts.has(field));
      const sql =
        `insert into usage_counters (id, application_id, day, ${fields.join(", ")}) ` +
        `values (gen_random_uuid(), ?, ?, ${fields.map(() => "?").join(", ")}) ` +
        `on conflict (application_id, day) do update set ${fields.map((f) => `${f} = usage_counters.${f} + excluded.${f}`).join(", ")}`;
      try {
        await this.#execute(sql, [row.applicationId, row.day, ...fields.map((f) => row.counts.get(f))]);
      } catch (error) {
        // 23503: the app was deleted meanwhile; its counters went with it.
        if ((error as { code?: string }).code === "23503") continue;
        failed = true;
        if (this.#failures < MAX_FAILED_FLUSHES) {
          for (const [field, count] of row.counts) this.add(row.applicationId, field, row.day, count);
        }
      }
    }
    this.#failures = failed ? this.#failures + 1 : 0;
  }
}

/**
 * The process's usage counter (one per runtime, see server/runtime.ts), writing through `em`'s connection. Its
 * `count` adds one to a counter of today's (UTC) row for the app: kept in memory and written within
 * {@link USAGE_FLUSH_INTERVAL_MS} by an upsert that adds it, so concurrent processes never lose a count and never
 * collide on the unique (application, day) key. `flush` writes pending counts now; `stop` flushes and stops the timer,
 * the last step before the connections close.
 */
export type UsageCounter = {
  count(applicationId: string, field: UsageField, now: Date): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
};

export function createUsageCounter(em: EntityManager): UsageCounter {
  const connection = em.getConnection();
  const batcher = new UsageBatcher((sql, params) => connection.execute(sql, params as never[]));
  return {
    count: (applicationId, field, now) => batcher.add(applicationId, field, now.toISOString().slice(0, 10)),
    flush: () => batcher.flush(),
    async stop() {
      batcher.stop();
      await batcher.flush();
      batcher.stop();
    },
  };
}
