import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { databaseUrl, withAdminClient } from "./admin-client.ts";
import "./provided-context.ts";

export type TestDatabase = { readonly name: string; readonly url: string; drop(): Promise<void> };

/** Copying a template fails while another session copies it; these retries ride that out. */
const TEMPLATE_BUSY = "55006";

/** A fresh, migrated database of its own for one test file (a copy of the run's template). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("latchDbAdminUrl");
  const template = inject("latchDbTemplate");
  const name = `latch_t_${template.replace("latch_tpl_", "")}_${randomBytes(4).toString("hex")}`;
  await withAdminClient(adminUrl, async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(template)}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== TEMPLATE_BUSY || attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  });
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () =>
      withAdminClient(adminUrl, (c) =>
        c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`),
      ).then(() => undefined),
  };
}

/**
 * A small pool of a test's own on `url`. pg-pool's `end()` resolves once its clients are told to end, before their
 * sockets close; the forced drop of the test's database can then reach a closing client, whose pool listener is
 * already gone, as an uncaught "terminating connection" error. Errors of such a client are expected and ignored.
 */
export function openTestPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}
