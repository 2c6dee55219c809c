import type pg from "pg";
import type { Statement } from "../../db/native-pool.ts";
import type { TokenRows } from "./issue-token-set.ts";

type AccessRow = NonNullable<TokenRows["access"]>;
type RefreshRow = NonNullable<TokenRows["refresh"]>;

export const ACCESS_COLUMNS = `id, token_hash, format, application_id, user_id, grant_id, refresh_family_id,
  authorization_code_id, scopes, created_at, expires_at`;
const REFRESH_COLUMNS = `id, token_hash, application_id, user_id, grant_id, family_id, parent_id,
  authorization_code_id, scopes, created_at, expires_at`;

const INSERT_ACCESS: Statement = {
  name: "latch_insert_access_token",
  text: `insert into access_tokens (${ACCESS_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
};
const INSERT_REFRESH: Statement = {
  name: "latch_insert_refresh_token",
  text: `insert into refresh_tokens (${REFRESH_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
};
const INSERT_BOTH: Statement = {
  name: "latch_insert_token_pair",
  text: `with access as (
      insert into access_tokens (${ACCESS_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
    )
    insert into refresh_tokens (${REFRESH_COLUMNS}) values ($12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
};

const accessValues = (a: AccessRow) => [
  a.id,
  a.tokenHash,
  a.format,
  a.applicationId,
  a.userId,
  a.grantId,
  a.refreshFamilyId,
  a.authorizationCodeId,
  a.scopes,
  a.createdAt,
  a.expiresAt,
];
const refreshValues = (r: RefreshRow) => [
  r.id,
  r.tokenHash,
  r.applicationId,
  r.userId,
  r.grantId,
  r.familyId,
  r.parentId,
  r.authorizationCodeId,
  r.scopes,
  r.createdAt,
  r.expiresAt,
];

/** Inserts a token set's rows with one statement (none when there is nothing to store). */
export async function insertTokenRows(runner: pg.Pool | pg.PoolClient, rows: TokenRows): Promise<void> {
  const { access, refresh } = rows;
  let statement: Statement;
  let values: unknown[];
  if (access && refresh) {
    statement = INSERT_BOTH;
    values = [...accessValues(access), ...refreshValues(refresh)];
  } else if (access) {
    statement = INSERT_ACCESS;
    values = accessValues(access);
  } else if (refresh) {
    statement = INSERT_REFRESH;
    values = refreshValues(refresh);
  } else {
    return;
  }
  await runner.query({ name: statement.name, text: statement.text, values });
}

/**
 * An access token row as JSON with the table's own column names, for multi-row statements that take a batch as one
 * parameter (`json_populate_record(null::access_tokens, …)`; PostgreSQL turns JSON arrays into text[] itself).
 */
export const accessRowJson = (row: AccessRow) => ({
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
