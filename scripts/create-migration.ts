/**
 * Creates the next migration from the difference between the entities and the committed migrations.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node scripts/create-migration.ts [name]
 *
 * DATABASE_URL is only used to create (and afterwards drop) a scratch database on that server: the committed
 * migrations are applied to it and MikroORM diffs it against the entity metadata. The new file lands in
 * server/db/migrations, server/db/migrations/index.ts is rewritten to list every migration, and both are
 * formatted with Biome. Review the generated SQL (and its `down`) like any other code.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { createOrmOptions, migrationsPath } from "../server/db/orm-options.ts";

const root = resolve(import.meta.dirname, "..");
const migrationsDir = join(root, migrationsPath);

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("DATABASE_URL must point at a PostgreSQL server where a scratch database can be created");
  process.exit(2);
}
const name = process.argv[2];
if (name !== undefined && !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
  console.error("the migration name must be letters, digits and underscores, starting with a letter");
  process.exit(2);
}

const scratchName = `latch_create_migration_${randomBytes(6).toString("hex")}`;
const scratchUrl = new URL(databaseUrl);
scratchUrl.pathname = `/${scratchName}`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The generator's method signatures (`void | Promise<void>`) trip Biome's noConfusingVoidType. */
function tidy(code: string): string {
  return code.replaceAll("(): void | Promise<void> {", "(): void {");
}

/** Lists every migration class in the folder, oldest first (file names start with a sortable timestamp). */
function writeIndex(): void {
  const files = readdirSync(migrationsDir)
    .filter((file) => /^Migration\d{14}.*\.ts$/.test(file))
    .sort();
  const classes = files.map((file) => {
    const match = /export class (\w+) extends Migration/.exec(readFileSync(join(migrationsDir, file), "utf8"));
    if (!match?.[1]) throw new Error(`${file} declares no migration class`);
    return { file, className: match[1] };
  });
  const lines = [
    'import type { Constructor } from "@mikro-orm/core";',
    'import type { Migration } from "@mikro-orm/migrations";',
    ...classes.map(({ file, className }) => `import { ${className} } from "./${file}";`),
    "",
    "/** Every migration class, oldest first; `node scripts/create-migration.ts` rewrites this file. */",
    `export const migrations: Constructor<Migration>[] = [${classes.map(({ className }) => className).join(", ")}];`,
    "",
  ];
  writeFileSync(join(migrationsDir, "index.ts"), lines.join("\n"));
}

await admin(`create database "${scratchName}"`);
try {
  const orm = await MikroORM.init(createOrmOptions({ clientUrl: scratchUrl.toString() }));
  try {
    await orm.migrator.up();
    const result = await orm.migrator.create(migrationsDir, false, false, name);
    if (!result.fileName) {
      console.log("No schema changes: the committed migrations already match the entities.");
    } else {
      const file = join(migrationsDir, result.fileName);
      writeFileSync(file, tidy(readFileSync(file, "utf8")));
      writeIndex();
      execFileSync(join(root, "node_modules/.bin/biome"), ["check", "--write", file, join(migrationsDir, "index.ts")], {
        cwd: root,
        stdio: "inherit",
      });
      console.log(`Wrote ${file}`);
      console.log(`Updated ${join(migrationsDir, "index.ts")}`);
    }
  } finally {
    await orm.close(true);
  }
} finally {
  await admin(`drop database if exists "${scratchName}" with (force)`);
}
