import { flushCompileCache } from "node:module";
import { MikroORM } from "@mikro-orm/postgresql";
import { ConfigError, loadConfig } from "./config.ts";
import { createOrmOptions } from "./db/orm-options.ts";
import { startEventWorker } from "./events/worker.ts";
import { createLogger } from "./logger.ts";
import { loadMasterKeyring } from "./master-key-store.ts";
import { createMailer } from "./services/mail/create-mailer.ts";

/**
 * `npm run worker`: the webhook worker alone (outbox dispatcher, deliveries, retention), for deployments that keep
 * it off the API replicas (LATCH_RUN_WORKER=false there). Any number may run against one database. It never
 * migrates: it waits until the server has applied every migration it knows.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (!config.databaseUrl) {
    process.stderr.write(
      "The standalone worker needs DATABASE_URL: the embedded PostgreSQL belongs to `npm start`, which runs the worker itself.\n",
    );
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const keyring = await loadMasterKeyring(config);
  // Sign-in alerts go from here too: configure LATCH_SMTP_URL for this process as for the server.
  const mailer = createMailer(config, logger);
  const orm = await MikroORM.init(createOrmOptions({ clientUrl: config.databaseUrl, pool: { max: 4 } }));
  for (let waited = 0; (await orm.migrator.getPending()).length > 0; waited++) {
    if (waited % 15 === 0) logger.warn("waiting for the server to apply the pending migrations");
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  const worker = await startEventWorker({
    orm,
    keyring,
    logger,
    allowPrivateWebhooks: config.allowPrivateWebhooks,
    eventRetentionDays: config.eventRetentionDays,
    disableAfterFailures: config.webhookDisableAfterFailures,
    mail: { mailer, publicUrl: config.publicUrl },
  });
  logger.info("latch webhook worker is running");
  flushCompileCache(); // see main.ts

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "webhook worker shutting down");
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await worker.stop();
    await mailer.close();
    await orm.close(true);
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(signal));
}

main().catch((error: unknown) => {
  process.stderr.write(`Latch worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
