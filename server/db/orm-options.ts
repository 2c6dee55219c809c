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
    // Measured with the token endpoint at 20 concurrent connections on 2 cores: 10 and 20 connections serve the same
    // (PostgreSQL's CPU is the limit, and every hot statement is short); more only adds backends.
    pool: opts.pool ?? { max: 10, idleTimeoutMillis: 30_000 },
    forceUtcTimezone: true,
    // Plain SQL in their migrations, not entity metadata, so the schema diff must leave them alone: the NOTIFY
    // triggers (client cache, token state) with their functions, and the shared rate limit's keyless table and function.
    schemaGenerator: { ignoreTriggers: true, ignoreRoutines: true, skipTables: ["rate_limit_events"] },
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
