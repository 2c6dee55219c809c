/**
 * SQL: whether grant `g` of app `a` is revoked: by its own row, or by a revocation of every grant of the app that
 * its row has not caught up with yet (see revoke-application-grants.ts). False when `g` is a missing left-join row.
 */
export const grantRevokedSql = (g: string, a: string): string =>
  `(${g}.revoked_at is not null or coalesce(${g}.created_at < ${a}.grants_revoked_before, false))`;

/** SQL: whether an app-wide revocation covers grant `g` whose row is not marked yet (no join to its app needed). */
export const coveredByApplicationRevocationSql = (g: string): string =>
  `exists (select 1 from applications ra where ra.id = ${g}.application_id and ${g}.created_at < ra.grants_revoked_before)`;

/** SQL: no revoked grant behind the row of `table` being updated (its `grant_id`), for the guarded fast paths. */
export const noRevokedGrantSql = (table: string): string =>
  `not exists (select 1 from grants g join applications ga on ga.id = g.application_id
     where g.id = ${table}.grant_id and ${grantRevokedSql("g", "ga")})`;
