import type { EntityManager } from "@mikro-orm/postgresql";
import type pg from "pg";

const pools = new WeakMap<object, pg.Pool>();

/**
 * The `pg` pool behind the ORM: the hot paths of the token endpoint run plain, named (so prepared once per
 * connection) statements on it, with no entity hydration, through the same connections the ORM uses.
 */
export async function nativePool(em: EntityManager): Promise<pg.Pool> {
  const driver = em.getDriver();
  let pool = pools.get(driver);
  if (!pool) {
    pool = (await em.getConnection().getNativeClient()) as unknown as pg.Pool;
    pools.set(driver, pool);
  }
  return pool;
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
