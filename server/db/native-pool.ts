import type { EntityManager } from "@mikro-orm/postgresql";
import type pg from "pg";

/**
 * The `pg` pool behind the ORM: the hot paths of the token endpoint run plain, named (so prepared once per
 * connection) statements on it, with no entity hydration, through the same connections the ORM uses. The runtime
 * takes it once at start-up (`runtime.pool`, server/runtime.ts) and hands it to the token path; code that holds only
 * an EntityManager (the rate limiter, master-key rotation) asks the ORM here, which keeps no state of its own.
 */
export async function nativePool(em: EntityManager): Promise<pg.Pool> {
  return (await em.getConnection().getNativeClient()) as unknown as pg.Pool;
}

/** A named statement: PostgreSQL parses and plans it once per connection, then only binds and executes. */
export type Statement = { readonly name: string; readonly text: string };

export async function query<R extends pg.QueryResultRow>(
  runner: pg.Pool | pg.PoolClient,
  statement: Statement,
  values: unknown[],
): Promise<R[]> {
  const result = await runner.query<R>({ name: statement.name, text: statement.text, values });
  return result.rows;
}

/** Runs `work` in a transaction on one pooled connection: BEGIN, then COMMIT, or ROLLBACK when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("begin");
    const result = await work(client);
    await client.query("commit");
    return result;
  } catch (error) {
    try {
      await client.query("rollback");
    } catch {
      broken = true;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
