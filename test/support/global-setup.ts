import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import type { TestProject } from "vitest/node";
import {
  type EmbeddedDatabase,
  releaseProcessExitHooks,
  startEmbeddedPostgres,
} from "../../server/db/embedded-postgres.ts";
import { createOrmOptions } from "../../server/db/orm-options.ts";
import { createLogger } from "../../server/logger.ts";
import { databaseUrl, withAdminClient } from "./admin-client.ts";
import "./provided-context.ts";

/**
 * Once per run: find a PostgreSQL server (DATABASE_URL's, else one embedded server), migrate a template database,
 * and hand both to the test files, which copy the template instead of migrating again.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // embedded-postgres's exit hook would call process.exit(0) on beforeExit and hide vitest's failing exit code;
  // the teardown below stops the server instead.
  releaseProcessExitHooks();
  let embedded: EmbeddedDatabase | undefined;
  let scratch: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    scratch = await mkdtemp(path.join(tmpdir(), "latch-test-"));
    await chmod(scratch, 0o755);
    embedded = await startEmbeddedPostgres(path.join(scratch, "postgres"), createLogger("warn"));
    adminUrl = embedded.url;
  }
  const template = `latch_tpl_${process.pid}`;
  await withAdminClient(adminUrl, async (client) => {
    await client.query(`drop database if exists ${pg.escapeIdentifier(template)}`);
    await client.query(`create database ${pg.escapeIdentifier(template)}`);
  });
  const orm = await MikroORM.init(createOrmOptions({ clientUrl: databaseUrl(adminUrl, template) }));
  try {
    await orm.migrator.up();
  } finally {
    await orm.close(true);
  }
  project.provide("latchDbAdminUrl", adminUrl);
  project.provide("latchDbTemplate", template);

  return async () => {
    await withAdminClient(adminUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        "select datname from pg_database where datname like $1 or datname = $2",
        [`latch_t_${process.pid}_%`, template],
      );
      for (const { datname } of rows)
        await client.query(`drop database if exists ${pg.escapeIdentifier(datname)} with (force)`);
    });
    await embedded?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  };
}
