import type pg from "pg";
import type { Statement } from "../../db/native-pool.ts";
import type { TokenRows } from "./issue-token-set.ts";

type AccessRow = NonNullable<TokenRows["access"]>;
type Pending = { row: AccessRow; resolve(): void; reject(error: unknown): void };

/** Rows as JSON (one parameter, whatever the batch size): PostgreSQL turns JSON arrays into text[] itself. */
const INSERT_BATCH: Statement = {
  name: "latch_insert_access_tokens_batch",
  text: `insert into access_tokens (id, token_hash, format, application_id, user_id, grant_id, refresh_family_id,
      authorization_code_id, scopes, created_at, expires_at)
    select id, token_hash, format, application_id, user_id, grant_id, refresh_family_id, authorization_code_id, scopes,
      created_at, expires_at
    from json_populate_recordset(null::access_tokens, $1::json)`,
};

/** Statements in flight at once: the first rows of a burst go at once, the rest gather behind them. */
const MAX_IN_FLIGHT = 2;
const MAX_BATCH = 200;

const toJson = (row: AccessRow) => ({
  id: row.id,
  token_hash: row.tokenHash,
  format: row.format,
  application_id: row.applicationId,
  user_id: row.userId,
  grant_id: row.grantId,
  refresh_family_id: row.refreshFamilyId,
  authorization_code_id: row.authorizationCodeId,
  scopes: row.scopes,
  created_at: row.createdAt.toISOString(),
  expires_at: row.expiresAt.toISOString(),
});

/**
 * Group commit for standalone access tokens (client_credentials, opaque): requests that arrive while an INSERT is in
 * flight are written together by the next one, a multi-row INSERT in its own transaction. Each request still answers
 * only after its row is committed; under load, a burst of tokens costs one statement and one WAL flush instead of
 * one each. A failed batch is retried row by row, so one bad row fails only its own request.
 */
class AccessTokenBatcher {
  readonly #pool: pg.Pool;
  #queue: Pending[] = [];
  #inFlight = 0;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  insert(row: AccessRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ row, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < MAX_IN_FLIGHT && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      this.#inFlight++;
      void this.#write(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  async #write(batch: Pending[]): Promise<void> {
    try {
      await this.#run(batch.map((p) => p.row));
      for (const pending of batch) pending.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((pending) => this.#run([pending.row]).then(pending.resolve, pending.reject)));
    }
  }

  async #run(rows: AccessRow[]): Promise<void> {
    await this.#pool.query({
      name: INSERT_BATCH.name,
      text: INSERT_BATCH.text,
      values: [JSON.stringify(rows.map(toJson))],
    });
  }
}

const batchers = new WeakMap<pg.Pool, AccessTokenBatcher>();

/** Inserts one access token row, batched with the others being issued at the same moment. */
export function insertAccessTokenBatched(pool: pg.Pool, row: AccessRow): Promise<void> {
  let batcher = batchers.get(pool);
  if (!batcher) {
    batcher = new AccessTokenBatcher(pool);
    batchers.set(pool, batcher);
  }
  return batcher.insert(row);
}
