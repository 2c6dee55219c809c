import type { EntityManager } from "@mikro-orm/postgresql";
import { rewrap } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { readStaleSealed, replaceSealed, type SealedColumn, sealedColumns } from "../../db/sealed-columns.ts";

/** What one run did to one sealed column. */
export type ColumnRotation = {
  readonly column: string;
  /** Values now wrapped under the active key by this run. */
  readonly rewrapped: number;
  /** Values rewritten by someone else between read and write (already under the active key). */
  readonly changedMeanwhile: number;
  /** Values that could not be rewrapped: wrapped under a key the ring lacks, or not a sealed value. */
  readonly failed: number;
};

export type MasterKeyRotation = {
  readonly activeKeyId: string;
  readonly columns: readonly ColumnRotation[];
  /** Whether the run stopped at `maxRows` before reaching the end: run it again to go on. */
  readonly interrupted: boolean;
};

export type RotateMasterKeyOptions = {
  /** Rows read per statement. */
  readonly batchSize?: number;
  /** Stop after this many rewrapped values (to bound one run; the next run goes on where this one stopped). */
  readonly maxRows?: number;
};

/**
 * Re-wraps every sealed value under the ring's active master key (the first of `LATCH_MASTER_KEY`), leaving the
 * data itself untouched (`rewrap`): after it reports no failure, the older keys can be removed from the setting.
 * Resumable by construction: each value is written on its own, and a run reads only values not yet under the
 * active key, so an interrupted run is finished by running it again. Safe beside running servers, which read any
 * key of the ring and write under the active one.
 */
export async function rotateMasterKey(
  em: EntityManager,
  keyring: MasterKeyring,
  options: RotateMasterKeyOptions = {},
): Promise<MasterKeyRotation> {
  const batchSize = options.batchSize ?? 200;
  let budget = options.maxRows ?? Number.POSITIVE_INFINITY;
  const columns: ColumnRotation[] = [];
  for (const column of sealedColumns(em)) {
    const result = await rotateColumn(em, keyring, column, batchSize, budget);
    budget -= result.rewrapped;
    columns.push(result);
    if (budget <= 0) return { activeKeyId: keyring.active.id, columns, interrupted: true };
  }
  return { activeKeyId: keyring.active.id, columns, interrupted: false };
}

async function rotateColumn(
  em: EntityManager,
  keyring: MasterKeyring,
  column: SealedColumn,
  batchSize: number,
  budget: number,
): Promise<ColumnRotation> {
  const counts = { rewrapped: 0, changedMeanwhile: 0, failed: 0 };
  let after: string | null = null;
  while (counts.rewrapped < budget) {
    const rows = await readStaleSealed(em, column, keyring.active.id, after, Math.min(batchSize, budget));
    for (const row of rows) {
      if (counts.rewrapped >= budget) break;
      let next: string;
      try {
        next = rewrap(keyring, row.sealed);
      } catch {
        counts.failed++;
        continue;
      }
      if (await replaceSealed(em, column, row, next)) counts.rewrapped++;
      else counts.changedMeanwhile++;
    }
    if (rows.length < Math.min(batchSize, budget)) break;
    after = rows.at(-1)!.key;
  }
  return { column: `${column.table}.${column.column}`, ...counts };
}
