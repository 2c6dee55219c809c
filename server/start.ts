import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { MikroORM } from "@mikro-orm/postgresql";
import { createApp, MAX_BODY_BYTES } from "./app.ts";
import type { Config } from "./config.ts";
import type { MasterKeyring } from "./crypto/master-key.ts";
import { startChangeListener } from "./db/change-listener.ts";
import { openDatabase } from "./db/database.ts";
import { startConfiguredEventWorker } from "./events/worker.ts";
import type { Logger } from "./logger.ts";
import { loadMasterKeyring } from "./master-key-store.ts";
import { createRuntime, type Runtime, stopRuntime } from "./runtime.ts";
import { bootstrapFirstRun, type FirstRunResult } from "./services/bootstrap-first-run.ts";
import { ensureSigningKey } from "./services/ensure-signing-key.ts";
import { createMailer } from "./services/mail/create-mailer.ts";
import { CLIENT_CHANGES_CHANNEL } from "./services/oauth/client-cache.ts";
import { TOKEN_STATE_CHANNEL } from "./services/oauth/token-state-cache.ts";
import { scheduleSigningKeyRotation } from "./services/signing-key-schedule.ts";

export type RunningLatch = {
  /** Where this process listens, e.g. http://127.0.0.1:4000 (PUBLIC_URL may differ behind a proxy). */
  readonly listenUrl: string;
  readonly port: number;
  readonly orm: MikroORM;
  /** The master keyring this process seals and opens stored secrets with. */
  readonly keyring: MasterKeyring;
  /** The process's long-lived state (signer, caches, counters, pool), handed to every face. */
  readonly runtime: Runtime;
  /** Set only on the run that created the first organization. */
  readonly firstRun: FirstRunResult | null;
  /** Writes the usage counts still held in memory (they are written every second, and at close). */
  flushUsage(): Promise<void>;
  close(): Promise<void>;
};

/** Opens the database, migrates, bootstraps, and listens. The caller owns signals and printing. */
export async function startLatch(config: Config, logger: Logger): Promise<RunningLatch> {
  const keyring = await loadMasterKeyring(config);
  let firstRun: FirstRunResult | null = null;
  // Migrations and the first-run bootstrap run under one advisory lock: replicas started together take turns.
  const database = await openDatabase(config, logger, async (orm) => {
    const now = new Date();
    firstRun = await bootstrapFirstRun(
      orm.em.fork(),
      { adminEmail: config.adminEmail, adminPassword: config.adminPassword },
      now,
    );
    await ensureSigningKey(orm.em.fork(), keyring, "ES256", now);
  });
  const runtime = await createRuntime({ orm: database.orm, keyring, issuer: config.publicUrl }).catch(
    async (error: unknown) => {
      await database.close();
      throw error;
    },
  );
  // Verified client records and live token state (introspection, /users/@me) are cached while one LISTEN connection
  // reports every change to apps and their secrets, and to tokens, grants, apps and users.
  const { clients: clientCache, tokenState: tokenStateCache } = runtime;
  const changes = startChangeListener({
    url: database.orm.config.get("clientUrl")!,
    channels: {
      [CLIENT_CHANGES_CHANNEL]: (applicationId) => clientCache.invalidateApplication(applicationId),
      [TOKEN_STATE_CHANNEL]: () => tokenStateCache.clear(),
    },
    logger,
    onListening: () => {
      clientCache.enable();
      tokenStateCache.enable();
    },
    onLost: () => {
      clientCache.disable();
      tokenStateCache.disable();
    },
  });
  try {
    await changes.ready;
    const mailer = createMailer(config, logger);
    const app = createApp({ config, orm: database.orm, logger, keyring, runtime, mailer });
    const rotation = scheduleSigningKeyRotation({
      orm: database.orm,
      keyring,
      logger,
      rotateAfterDays: config.signingKeyRotationDays,
      onRotated: () => runtime.signer.reset(),
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve(
        {
          fetch: app.fetch,
          port: config.port,
          hostname: config.host,
          createServer: ((options: object, listener: Listener) =>
            createServer(options, bufferSmallBodies(listener))) as never,
        },
        () => resolve(s),
      );
      s.once("error", reject);
    });
    // Longer than typical load balancer idle timeouts, so they close idle connections first, never us.
    if ("keepAliveTimeout" in server) server.keepAliveTimeout = 65_000;
    // Webhook worker (server/events): started once the server listens, stopped first on close.
    const eventWorker = await startConfiguredEventWorker(config, { orm: database.orm, keyring, logger, mailer }).catch(
      async (error: unknown) => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        throw error;
      },
    );
    const { port } = server.address() as AddressInfo;
    const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
    return {
      listenUrl: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      port,
      orm: database.orm,
      keyring,
      runtime,
      firstRun,
      flushUsage: () => runtime.usage.flush(),
      async close() {
        await eventWorker.stop();
        rotation.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ("closeIdleConnections" in server) server.closeIdleConnections();
        });
        await changes.stop();
        await mailer.close();
        await stopRuntime(runtime);
        await database.close();
      },
    };
  } catch (error) {
    await changes.stop();
    await stopRuntime(runtime);
    await database.close();
    throw error;
  }
}

type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => unknown;

/**
 * Reads small request bodies (every OAuth form) into a Buffer before the request reaches Hono, which then hands it
 * on as `rawBody` instead of adapting the socket stream to a web stream per request. Bodies without a length, or
 * over the limit, go through untouched (the body-limit middleware answers those).
 */
function bufferSmallBodies(listener: Listener): Listener {
  return (incoming, outgoing) => {
    const length = Number(incoming.headers["content-length"]);
    if (
      incoming.method !== "POST" ||
      incoming.headers["transfer-encoding"] !== undefined ||
      !Number.isSafeInteger(length) ||
      length <= 0 ||
      length > MAX_BODY_BYTES
    ) {
      return listener(incoming, outgoing);
    }
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.once("end", () => {
      (incoming as IncomingMessage & { rawBody?: Buffer }).rawBody =
        chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      listener(incoming, outgoing);
    });
    incoming.once("error", () => outgoing.destroy());
  };
}
