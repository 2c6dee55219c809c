import type pg from "pg";
import { hashSecret } from "../../crypto/sha256.ts";
import { type BatchedSql, GroupBatcher } from "../../db/group-batcher.ts";
import { query, type Statement } from "../../db/native-pool.ts";
import { noRevokedGrantSql } from "../grants/grant-revoked-sql.ts";
import type { ClientRecord } from "./client-record.ts";
import { storesAccessRowSql, type TokenSetPlan } from "./issue-token-set.ts";

/** A row a token request spends once (an authorization code, a refresh token being rotated), found by its hash. */
export type Spendable = {
  /** The prepared statement's name. */
  readonly name: string;
  readonly table: "authorization_codes" | "refresh_tokens";
  readonly hashColumn: "code_hash" | "token_hash";
  /** json_to_recordset columns of a redemption beyond hash, app, at, access and refresh (`name type, …`). */
  readonly inputColumns?: string;
  /** SQL over the row `t` and its redemption `i`: the row can be spent by this request. */
  readonly spendable: string;
  /** The column that marks it spent, set to the request's time. */
  readonly spentAt: "consumed_at" | "rotated_at";
  /** What the caller reads back beyond user_id, grant_id and scopes: alias → SQL over the spent row `t`. */
  readonly returning: Readonly<Record<string, string>>;
  /** SQL over the spent row `s` for the new rows' columns that depend on what is spent. */
  readonly derived: { readonly familyId: string; readonly parentId: string; readonly authorizationCodeId: string };
};

/** What every spend answers of the row it spent. */
export type SpentRow = {
  hash: string;
  user_id: string | null;
  grant_id: string | null;
  /** The organization of the spent row's grant: the workspace its tokens apply to. */
  workspace_id: string | null;
  scopes: string[];
};

/** One redemption: the presented secret's hash, the client, the request's time, and the spendable's own inputs. */
export type Redemption = { readonly hash: string; readonly [input: string]: unknown };

const qualified = (columns: readonly string[], alias: string) =>
  columns.map((column) => `${alias}.${column}`).join(", ");

/** The columns a planned row's JSON template supplies; the rest come from the row being spent. */
const ACCESS_FROM_TEMPLATE = ["id", "token_hash", "format", "application_id", "created_at", "expires_at"];
const REFRESH_FROM_TEMPLATE = ["id", "token_hash", "application_id", "created_at", "expires_at"];

/**
 * One statement for a batch, and the whole of a redemption that goes as planned: finds each presented row by its
 * hash, locks those the request may spend (skipping any another transaction holds, which then fall back to the
 * caller's locked path), marks them spent, inserts the tokens they buy (the client's columns from the planned
 * templates, the user, grant and scope from the spent row), and answers the spent rows. All of it commits together.
 */
export const spendStatement = (spendable: Spendable): Statement => ({
  name: spendable.name,
  text: `with input as (
      select * from json_to_recordset($1::json)
        as i(hash text, app uuid, at timestamptz, access json, refresh json${spendable.inputColumns ? `, ${spendable.inputColumns}` : ""})
    ),
    target as (
      select t.id from ${spendable.table} t join input i on i.hash = t.${spendable.hashColumn}
      where t.application_id = i.app and ${spendable.spendable} and ${noRevokedGrantSql("t")}
      for update of t skip locked
    ),
    spent as (
      update ${spendable.table} t set ${spendable.spentAt} = i.at from input i
      where t.${spendable.hashColumn} = i.hash and t.id in (select id from target)
      returning t.id, t.user_id, t.grant_id, t.scopes,
        (select g.organization_id from grants g where g.id = t.grant_id) as workspace_id,
        ${returned(spendable, (alias, sql) => `${sql} as ${alias}`)},
        i.hash, i.access, i.refresh
    ),
    access as (
      insert into access_tokens (${ACCESS_FROM_TEMPLATE.join(", ")}, user_id, grant_id, refresh_family_id,
        authorization_code_id, scopes)
      select ${qualified(ACCESS_FROM_TEMPLATE, "a")}, s.user_id, s.grant_id, ${spendable.derived.familyId},
        ${spendable.derived.authorizationCodeId}, s.scopes
      from spent s, lateral json_populate_record(null::access_tokens, s.access) a
      where ${storesAccessRowSql("a.format", "s.user_id")}
    ),
    refresh as (
      insert into refresh_tokens (${REFRESH_FROM_TEMPLATE.join(", ")}, user_id, grant_id, family_id, parent_id,
        authorization_code_id, scopes)
      select ${qualified(REFRESH_FROM_TEMPLATE, "r")}, s.user_id, s.grant_id, ${spendable.derived.familyId},
        ${spendable.derived.parentId}, ${spendable.derived.authorizationCodeId}, s.scopes
      from spent s, lateral json_populate_record(null::refresh_tokens, s.refresh) r
      where s.refresh is not null
    )
    select s.hash, s.user_id, s.grant_id, s.workspace_id, s.scopes, ${returned(spendable, (alias) => `s.${alias}`)}
    from spent s`,
});

const returned = (spendable: Spendable, column: (alias: string, sql: string) => string) =>
  Object.entries(spendable.returning)
    .map(([alias, sql]) => column(alias, sql))
    .join(", ");

/** The planned rows' client-side columns, as JSON templates for {@link spendStatement} (a new family rides along). */
export function plannedRows(client: ClientRecord, plan: TokenSetPlan): { access: object; refresh: object | null } {
  return {
    access: {
      id: plan.jti,
      token_hash: plan.opaqueAccessToken === undefined ? null : hashSecret(plan.opaqueAccessToken),
      format: client.accessTokenFormat,
      application_id: client.id,
      created_at: plan.now.toISOString(),
      expires_at: plan.accessExpiresAt.toISOString(),
    },
    refresh: plan.refresh && {
      id: plan.refresh.id,
      token_hash: hashSecret(plan.refresh.token),
      application_id: client.id,
      family_id: plan.refresh.familyId,
      created_at: plan.now.toISOString(),
      expires_at: plan.refresh.expiresAt.toISOString(),
    },
  };
}

async function redeemAll<R extends SpentRow>(
  pool: pg.Pool,
  statement: Statement,
  redemptions: Redemption[],
): Promise<(R | null)[]> {
  // A row twice in one batch is spent once: the later request is left to the locked path (which sees it spent).
  const first = new Map<string, Redemption>();
  for (const redemption of redemptions) if (!first.has(redemption.hash)) first.set(redemption.hash, redemption);
  const rows = await query<R>(pool, statement, [JSON.stringify([...first.values()])]);
  const spent = new Map(rows.map((row) => [row.hash, row]));
  return redemptions.map((redemption) =>
    first.get(redemption.hash) === redemption ? (spent.get(redemption.hash) ?? null) : null,
  );
}

/**
 * Spends a code or refresh token and stores what it buys, in one statement with the other redemptions in flight (see
 * GroupBatcher), and answers the spent row. Null when the row was not spendable here (unknown, spent, revoked, not
 * this client's, locked elsewhere, or a check failed): the caller then decides under the row's lock, with the error.
 */
export function redeemBatched<R extends SpentRow>(
  sql: BatchedSql,
  statement: Statement,
  redemption: Redemption,
): Promise<R | null> {
  const batcher = sql.batchers.get(
    statement.name,
    () => new GroupBatcher<Redemption, R | null>((redemptions) => redeemAll<R>(sql.pool, statement, redemptions)),
  );
  return batcher.submit(redemption);
}
