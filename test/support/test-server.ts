import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../server/config.ts";
import { generateMasterKey } from "../../server/crypto/master-key.ts";
import { findFreePort } from "../../server/db/embedded-postgres.ts";
import { createLogger } from "../../server/logger.ts";
import { type RunningLatch, startLatch } from "../../server/start.ts";
import { createTestDatabase, type TestDatabase } from "./test-database.ts";

export type TestServer = RunningLatch & {
  /** The issuer and base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly database: TestDatabase;
  readonly env: Record<string, string>;
  stop(): Promise<void>;
};

/**
 * Starts the real server (the same `startLatch` that `npm start` runs) on a free port with a database of its own.
 * Pass `database` to restart on an existing one, and `logs` to collect every log line (JSON, from level debug) in it
 * instead of stdout, e.g. to assert that no secret is ever logged.
 */
export async function startTestServer(
  options: {
    env?: Record<string, string>;
    database?: TestDatabase;
    logs?: string[];
    /** The host of `PUBLIC_URL` (default 127.0.0.1); `localhost` where a browser needs a domain (a WebAuthn RP id). */
    publicHost?: string;
  } = {},
): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase());
  const dataDir = await mkdtemp(path.join(tmpdir(), "latch-data-"));
  const port = await findFreePort();
  const env = {
    DATABASE_URL: database.url,
    LATCH_MASTER_KEY: generateMasterKey(),
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: `http://${options.publicHost ?? "127.0.0.1"}:${port}`,
    LATCH_DATA_DIR: dataDir,
    LOG_LEVEL: options.logs ? "debug" : (process.env.TEST_LOG_LEVEL ?? "silent"),
    // Tests run their upstreams and webhook receivers on 127.0.0.1; a test of the address guard passes "false".
    LATCH_ALLOW_PRIVATE_WEBHOOKS: "true",
    // Race tests send 50-100 requests at once to a pool of 10; on a loaded 2-core machine the production default
    // (3 s to get a connection, then 503) turns queueing into failures those tests are not about. The tests of a
    // hung or stopped database set the production value themselves.
    LATCH_DB_CONNECT_TIMEOUT_MS: "15000",
    ...options.env,
  };
  const config = loadConfig(env);
  const logs = options.logs;
  const destination = logs ? { write: (line: string) => void logs.push(line) } : undefined;
  const latch = await startLatch(config, createLogger(config.logLevel, destination));
  return {
    ...latch,
    url: config.publicUrl,
    database,
    env,
    async stop() {
      await latch.close();
      await rm(dataDir, { recursive: true, force: true });
      if (!options.database) await database.drop();
    },
  };
}
