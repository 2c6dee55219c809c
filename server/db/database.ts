import path from "node:path";
import { MikroORM } from "@mikro-orm/postgresql";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "./embedded-postgres.ts";
import { ensureDatabase } from "./ensure-database.ts";
import { createOrmOptions } from "./orm-options.ts";
import { withStartUpLock } from "./start-up-lock.ts";

export type Database = {
  readonly orm: MikroORM;
  /** Set when this process started its own PostgreSQL. */
  readonly embedded: EmbeddedDatabase | undefined;
  close(): Promise<void>;
};

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL in `<data dir>/postgres` when it is unset, and
 * applies every pending migration before anything serves a request, then runs `prepare` (the first-run bootstrap):
 * both under one advisory lock, so replicas started together migrate and bootstrap one at a time.
 */
export async function openDatabase(
  config: Pick<Config, "databaseUrl" | "dataDir"> &
    Partial<Pick<Config, "databaseStatementTimeoutMs" | "databaseConnectTimeoutMs">>,
  logger: Logger,
  prepare?: (orm: MikroORM) => Promise<void>,
): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let clientUrl = config.databaseUrl;
  if (!clientUrl) {
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, "postgres"), logger);
    clientUrl = await ensureDatabase(embedded.url, "latch");
  }
  try {
    let migrating = false;
    const timeouts = {
      statementMs: config.databaseStatementTimeoutMs ?? 0,
      connectMs: config.databaseConnectTimeoutMs ?? 30_000,
      enforced: () => !migrating,
    };
    const orm = await MikroORM.init(createOrmOptions({ clientUrl, timeouts }));
    try {
      await withStartUpLock(clientUrl, async () => {
        migrating = true;
        try {
          const applied = await migrate(orm);
          if (applied.length > 0) logger.info({ migrations: applied }, "applied migrations");
        } finally {
          migrating = false;
        }
        await prepare?.(orm);
      });
    } catch (error) {
      await orm.close(true);
      throw error;
    }
    return {
      orm,
      embedded,
      async close() {
        await orm.close(true);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** Applies the pending migrations in one transaction, free of the statement timeout requests run under. */
async function migrate(orm: MikroORM): Promise<string[]> {
  const connection = orm.em.getConnection();
  return connection.transactional(async (trx) => {
    await connection.execute("set local statement_timeout = 0", [], "run", trx);
    const applied = await orm.migrator.up({ transaction: trx });
    return applied.map((migration) => migration.name);
  });
}
