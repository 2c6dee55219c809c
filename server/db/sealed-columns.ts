import type { EntityManager } from "@mikro-orm/postgresql";
import pg from "pg";
import { nativePool } from "./native-pool.ts";

/** A text column that holds envelope-sealed values (`v1.<kid>.…`), and the primary key of its table. */
export type SealedColumn = { readonly table: string; readonly key: string; readonly column: string };

/** Entity properties named `…Encrypted` hold sealed values: the one convention this list is read from. */
const SEALED_PROPERTY = /Encrypted$/;

/**
 * Every sealed column, read from the entities' metadata rather than kept by hand, so a new `…Encrypted` property is
 * covered by master-key rotation without another edit.
 */
export function sealedColumns(em: EntityManager): SealedColumn[] {
  const columns: SealedColumn[] = [];
  for (const meta of new Set(em.getMetadata().getAll().values())) {
    if (meta.embeddable || meta.virtual || !meta.tableName || meta.primaryKeys.length !== 1) continue;
    const key = meta.properties[meta.primaryKeys[0]!]?.fieldNames[0];
    if (!key) continue;
    for (const prop of meta.props) {
      const column = prop.fieldNames?.[0];
      if (SEALED_PROPERTY.test(prop.name) && column) columns.push({ table: meta.tableName, key, column });
    }
  }
  return columns.sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
}

/** A sealed value and the primary key of its row. */
export type SealedRow = { readonly key: string; readonly sealed: string };

/**
 * Up to `limit` values of `column` not wrapped under `activeKeyId`, in primary-key order after `after` (keyset
 * paging, so a value that cannot be rewrapped is passed over rather than read again).
 */
export async function readStaleSealed(
  em: EntityManager,
  column: SealedColumn,
  activeKeyId: string,
  after: string | null,
  limit: number,
): Promise<SealedRow[]> {
  const [t, k, c] = [column.table, column.key, column.column].map((name) => pg.escapeIdentifier(name));
  const pool = await nativePool(em);
  const { rows } = await pool.query<{ key: string; sealed: string }>(
    `select ${k}::text as key, ${c} as sealed from ${t}
      where ${c} is not null and split_part(${c}, '.', 2) <> $1 and ($2::text is null or ${k}::text > $2)
      order by ${k}::text limit $3`,
    [activeKeyId, after, limit],
  );
  return rows;
}

/**
 * Replaces one sealed value if it is still the one read (compare and set): a row rewritten meanwhile, by a
 * rotation of its secret say, already carries a value sealed under the active key and is left as it is.
 */
export async function replaceSealed(
  em: EntityManager,
  column: SealedColumn,
  row: SealedRow,
  sealed: string,
): Promise<boolean> {
  const [t, k, c] = [column.table, column.key, column.column].map((name) => pg.escapeIdentifier(name));
  const pool = await nativePool(em);
  const { rowCount } = await pool.query(`update ${t} set ${c} = $1 where ${k}::text = $2 and ${c} = $3`, [
    sealed,
    row.key,
    row.sealed,
  ]);
  return rowCount === 1;
}
