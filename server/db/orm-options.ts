import { Migrator } from "@mikro-orm/migrations";
import { type Options, PostgreSqlDriver } from "@mikro-orm/postgresql";
import { entities } from "./entities/index.ts";
import { migrations } from "./migrations/index.ts";

/** Where `scripts/create-migration.ts` writes new migrations, relative to the repository root. */
export const migrationsPath = "server/db/migrations";

/**
 * The options for `MikroORM.init` from `@mikro-orm/postgresql`. Entities and migrations are static imports, so
 * nothing is discovered from disk and the server runs its `.ts` sources directly. The migrator keeps no snapshot
 * file: the next migration is diffed against a database migrated to the latest one.
 */
export function createOrmOptions(opts: {
  clientUrl: string;
  debug?: boolean;
  pool?: { min?: number; max?: number };
}): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: opts.clientUrl,
    entities,
    extensions: [Migrator],
    debug: opts.debug ?? false,
    pool: opts.pool ?? {},
    forceUtcTimezone: true,
    migrations: {
      tableName: "latch_migrations",
      path: migrationsPath,
      migrationsList: migrations,
      snapshot: false,
      silent: true,
      transactional: true,
      allOrNothing: true,
    },
  };
}
