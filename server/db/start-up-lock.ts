import pg from "pg";

/** The advisory lock every replica takes around migrate-and-bootstrap (a constant; `hashtext` of a name). */
const START_UP_LOCK = "select pg_advisory_lock(hashtext('latch:start-up'))";
const START_UP_UNLOCK = "select pg_advisory_unlock(hashtext('latch:start-up'))";

/**
 * Runs `work` while holding one PostgreSQL advisory lock shared by every replica, so that replicas started together
 * on a fresh database migrate and bootstrap one after the other: concurrent `CREATE TABLE`s of the same migration
 * otherwise collide in the catalog (`duplicate key value violates unique constraint "pg_type_typname_nsp_index"`)
 * and all but one replica crash. The lock is held on a connection of its own, without statement timeouts (waiting
 * for another replica's migrations may take longer than any request should); if the process dies the connection
 * closes and PostgreSQL releases the lock.
 */
export async function withStartUpLock<T>(clientUrl: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: clientUrl });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query(START_UP_LOCK);
    try {
      return await work();
    } finally {
      await client.query(START_UP_UNLOCK).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
