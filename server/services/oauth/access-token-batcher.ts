import { type BatchedSql, GroupBatcher } from "../../db/group-batcher.ts";
import type { Statement } from "../../db/native-pool.ts";
import type { TokenRows } from "./issue-token-set.ts";
import { ACCESS_COLUMNS, accessRowJson } from "./token-rows-sql.ts";

type AccessRow = NonNullable<TokenRows["access"]>;

const INSERT_BATCH: Statement = {
  name: "latch_insert_access_tokens_batch",
  text: `insert into access_tokens (${ACCESS_COLUMNS})
    select ${ACCESS_COLUMNS} from json_populate_recordset(null::access_tokens, $1::json)`,
};

/**
 * Inserts one standalone access token row (client_credentials, opaque), in one multi-row INSERT with the others
 * being issued at the same moment (see GroupBatcher); the caller answers only after its row is committed.
 */
export function insertAccessTokenBatched(sql: BatchedSql, row: AccessRow): Promise<void> {
  const batcher = sql.batchers.get(
    INSERT_BATCH.name,
    () =>
      new GroupBatcher<AccessRow, void>(async (rows) => {
        await sql.pool.query({
          name: INSERT_BATCH.name,
          text: INSERT_BATCH.text,
          values: [JSON.stringify(rows.map(accessRowJson))],
        });
        return rows.map(() => undefined);
      }),
  );
  return batcher.submit(row);
}
