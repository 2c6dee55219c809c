import type pg from "pg";
import { batcherFor, GroupBatcher } from "../../db/group-batcher.ts";
import { query, type Statement } from "../../db/native-pool.ts";
import { noRevokedGrantSql } from "../grants/grant-revoked-sql.ts";
import type { TokenRows } from "./issue-token-set.ts";
import { ACCESS_COLUMNS, accessRowJson, REFRESH_COLUMNS, refreshRowJson } from "./token-rows-sql.ts";

/** A row a token request spends once (an authorization code, a refresh token being rotated). */
export type Spendable = {
  /** The prepared statement's name. */
  readonly name: string;
  readonly table: "authorization_codes" | "refresh_tokens";
  /** SQL over alias `t`: the row can still be spent. */
  readonly unspent: string;
  /** The column that marks it spent, set to the request's time. */
  readonly spentAt: "consumed_at" | "rotated_at";
};

/** Spend row `id` at `at` and insert the token rows it buys. */
export type Redemption = { readonly id: string; readonly at: Date; readonly rows: TokenRows };

const qualified = (columns: string, alias: string) =>
  columns
    .split(",")
    .map((column) => `${alias}.${column.trim()}`)
    .join(", ");

/**
 * One statement for a batch: locks the rows that are still unspent and whose grant is active (skipping any another
 * transaction holds, which then fall back to the caller's locked path), marks them spent, inserts the tokens of
 * exactly those, and answers their ids. All of it commits together or not at all.
 */
const statementFor = (spendable: Spendable): Statement => ({
  name: spendable.name,
  text: `with input as (
      select * from json_to_recordset($1::json) as i(id uuid, at timestamptz, access json, refresh json)
    ),
    target as (
      select t.id from ${spendable.table} t join input i on i.id = t.id
      where ${spendable.unspent} and ${noRevokedGrantSql("t")}
      for update of t skip locked
    ),
    spent as (
      update ${spendable.table} t set ${spendable.spentAt} = i.at from input i
      where t.id = i.id and t.id in (select id from target)
      returning t.id
    ),
    access as (
      insert into access_tokens (${ACCESS_COLUMNS})
      select ${qualified(ACCESS_COLUMNS, "a")}
      from spent s join input i on i.id = s.id, lateral json_populate_record(null::access_tokens, i.access) a
      where i.access is not null
    ),
    refresh as (
      insert into refresh_tokens (${REFRESH_COLUMNS})
      select ${qualified(REFRESH_COLUMNS, "r")}
      from spent s join input i on i.id = s.id, lateral json_populate_record(null::refresh_tokens, i.refresh) r
      where i.refresh is not null
    )
    select id from spent`,
});

async function redeemAll(pool: pg.Pool, statement: Statement, redemptions: Redemption[]): Promise<boolean[]> {
  // A row twice in one batch is spent once: the later request is left to the locked path (which sees it spent).
  const first = new Map<string, Redemption>();
  for (const redemption of redemptions) if (!first.has(redemption.id)) first.set(redemption.id, redemption);
  const input = [...first.values()].map(({ id, at, rows }) => ({
    id,
    at: at.toISOString(),
    access: rows.access ? accessRowJson(rows.access) : null,
    refresh: rows.refresh ? refreshRowJson(rows.refresh) : null,
  }));
  const spent = new Set((await query<{ id: string }>(pool, statement, [JSON.stringify(input)])).map((row) => row.id));
  return redemptions.map((redemption) => first.get(redemption.id) === redemption && spent.has(redemption.id));
}

/**
 * Spends a code or refresh token and stores what it buys, in one statement with the other redemptions in flight (see
 * GroupBatcher). False when the row was not spendable here (spent, revoked, locked elsewhere): the caller then
 * decides again under the row's lock.
 */
export function redeemBatched(pool: pg.Pool, spendable: Spendable, redemption: Redemption): Promise<boolean> {
  const batcher = batcherFor(pool, spendable.name, () => {
    const statement = statementFor(spendable);
    return new GroupBatcher<Redemption, boolean>((redemptions) => redeemAll(pool, statement, redemptions));
  });
  return batcher.submit(redemption);
}
