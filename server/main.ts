import { flushCompileCache } from "node:module";
import { ConfigError, loadConfig } from "./config.ts";
import { releaseProcessExitHooks } from "./db/embedded-postgres.ts";
import { createLogger } from "./logger.ts";
import type { FirstRunResult } from "./services/bootstrap-first-run.ts";
import { startLatch } from "./start.ts";

function firstRunBanner(result: FirstRunResult, publicUrl: string): string {
  return [
    "",
    "First run: created organization, administrator and API key. They are shown only this once.",
    `  Admin login:  ${result.adminEmail}${result.generatedPassword ? ` / ${result.generatedPassword}` : " (password from LATCH_ADMIN_PASSWORD)"}`,
    `  API key:      ${result.apiKey}`,
    "  Try it:",
    `    curl -s ${publicUrl}/graphql -H 'Authorization: Bearer ${result.apiKey}' \\`,
    `      -H 'Content-Type: application/json' -d '{"query":"{ viewer { organization { name slug } scopes } }"}'`,
    "",
  ].join("\n");
}

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
  const logger = createLogger(config.logLevel);
  const latch = await startLatch(config, logger);
  logger.info({ listen: latch.listenUrl, publicUrl: config.publicUrl }, "latch is listening");
  // npm start sets NODE_COMPILE_CACHE: write the stripped TypeScript now, not only at a clean exit, so the next start
  // skips the stripper (and its ~15 MB of WebAssembly memory) even after a crash. A no-op without the cache.
  flushCompileCache();
  if (latch.firstRun) process.stdout.write(firstRunBanner(latch.firstRun, config.publicUrl));
  process.stdout.write(
    `\nLatch is running at ${config.publicUrl} (console: ${config.publicUrl}/console, GraphQL: ${config.publicUrl}/graphql). Ctrl-C stops it.\n`,
  );
  // Without SMTP outside production, mail is kept for the development outbox (see routes/dev-mail.ts).
  if (!config.production && !config.smtpUrl) {
    process.stdout.write(`Mail is not sent (no LATCH_SMTP_URL): read it at ${config.publicUrl}/dev/mail\n`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await latch.close();
    logger.info("stopped");
    process.exit(0);
  };
  releaseProcessExitHooks();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(signal));
}

main().catch((error: unknown) => {
  process.stderr.write(`Latch failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
