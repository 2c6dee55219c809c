import { Migrator } from "@mikro-orm/migrations";
import { type Options, PostgreSqlDriver } from "@mikro-orm/postgresql";
import type pg from "pg";
import { entities } from "./entities/index.ts";
import { migrations } from "./migrations/index.ts";
import { DEADLINE_GRACE_MS, guardQueries } from "./query-deadline.ts";
import { refuseUnstorableText } from "./unstorable-text.ts";

export type DatabaseTimeouts = {
  readonly statementMs: number;
  readonly connectMs: number;
  /** Whether the client-side deadline applies now (not while migrating: a migration may take longer). */
  enforced(): boolean;
};

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
  /** Database timeouts (`LATCH_DB_*_TIMEOUT_MS`); none when omitted. */
  timeouts?: DatabaseTimeouts;
}): Options {
  const timeouts = opts.timeouts;
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
    // A NUL in any value never reaches PostgreSQL: it is refused as bad input (unstorable-text.ts).
    onQuery: refuseUnstorableText,
    // A hung database must answer 503 rather than hold every request: a bounded wait to connect or to get a pooled
    // connection, PostgreSQL's statement_timeout, and a client-side deadline a little later that closes a connection
    // whose server stopped answering (query-deadline.ts).
    ...(timeouts && {
      driverOptions: {
        connectionTimeoutMillis: timeouts.connectMs,
        ...(timeouts.statementMs > 0 && { statement_timeout: timeouts.statementMs }),
        onPoolCreated(pool: pg.Pool) {
          // A connection the server ends (a restart, pg_terminate_backend, a dropped database) must not take the
          // process with it: a query in flight gets the error through its callback, and pg-pool drops the client,
          // but a client already closing has no pool listener left and would throw it as uncaught.
          pool.on("error", () => undefined);
          pool.on("connect", (client) => {
            client.on("error", () => undefined);
            guardQueries(client, () =>
              timeouts.statementMs > 0 && timeouts.enforced() ? timeouts.statementMs + DEADLINE_GRACE_MS : 0,
            );
          });
        },
      },
    }),
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
