/**
 * Proves that the committed migrations and the entities agree:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node scripts/check-migrations.ts
 *
 * On a fresh scratch database (created on DATABASE_URL's server, dropped afterwards) it runs every migration up,
 * asserts that MikroORM's schema diff against the entities is empty, runs every migration down, asserts that only
 * the migrations table is left, and runs them up again. Exits non-zero on any mismatch.
 */
import { randomBytes } from "node:crypto";
import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { createOrmOptions } from "../server/db/orm-options.ts";

async function admin(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function expectEmptyDiff(orm: MikroORM, when: string): Promise<void> {
  const diff = (await orm.schema.getUpdateSchemaSQL()).trim();
  if (diff !== "") {
    throw new Error(`the entities and the migrations disagree ${when}; the schema diff is:\n${diff}`);
  }
}

/**
 * Runs the check against a scratch database on the server of `databaseUrl` (any database there that the user may
 * connect to; it needs the right to create databases).
 */
export async function checkMigrations(databaseUrl: string): Promise<{ applied: string[] }> {
  const scratchName = `latch_check_migrations_${randomBytes(6).toString("hex")}`;
  const scratchUrl = new URL(databaseUrl);
  scratchUrl.pathname = `/${scratchName}`;
  await admin(databaseUrl, `create database "${scratchName}"`);
  try {
    const orm = await MikroORM.init(createOrmOptions({ clientUrl: scratchUrl.toString() }));
    try {
      const applied = (await orm.migrator.up()).map((migration) => migration.name);
      if (applied.length === 0) throw new Error("no migrations were applied to a fresh database");
      await expectEmptyDiff(orm, "after migrating up");

      await orm.migrator.down({ to: 0 });
      const left = await orm.em
        .getConnection()
        .execute<{ table_name: string }[]>(
          "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
        );
      const leftNames = left.map((row) => row.table_name).filter((table) => table !== "latch_migrations");
      if (leftNames.length > 0) {
        throw new Error(`migrating down to 0 left tables behind: ${leftNames.join(", ")}`);
      }

      await orm.migrator.up();
      await expectEmptyDiff(orm, "after migrating down and up again");
      return { applied };
    } finally {
      await orm.close(true);
    }
  } finally {
    await admin(databaseUrl, `drop database if exists "${scratchName}" with (force)`);
  }
}

if (import.meta.main) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error("DATABASE_URL must point at a PostgreSQL server where a scratch database can be created");
    process.exit(2);
  }
  try {
    const { applied } = await checkMigrations(databaseUrl);
    console.log(`OK: ${applied.length} migration(s) applied, schema diff empty, down and up again clean.`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
