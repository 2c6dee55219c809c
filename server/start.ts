import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { MikroORM } from "@mikro-orm/postgresql";
import { createApp } from "./app.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/database.ts";
import type { Logger } from "./logger.ts";
import { loadMasterKeyring } from "./master-key-store.ts";
import { bootstrapFirstRun, type FirstRunResult } from "./services/bootstrap-first-run.ts";
import { ensureSigningKey } from "./services/ensure-signing-key.ts";
import { createTokenSigner } from "./services/oauth/token-signer.ts";
import { scheduleSigningKeyRotation } from "./services/signing-key-schedule.ts";

export type RunningLatch = {
  /** Where this process listens, e.g. http://127.0.0.1:4000 (PUBLIC_URL may differ behind a proxy). */
  readonly listenUrl: string;
  readonly port: number;
  readonly orm: MikroORM;
  /** Set only on the run that created the first organization. */
  readonly firstRun: FirstRunResult | null;
  close(): Promise<void>;
};

/** Opens the database, migrates, bootstraps, and listens. The caller owns signals and printing. */
export async function startLatch(config: Config, logger: Logger): Promise<RunningLatch> {
  const keyring = await loadMasterKeyring(config);
  const database = await openDatabase(config, logger);
  try {
    const now = new Date();
    const firstRun = await bootstrapFirstRun(
      database.orm.em.fork(),
      { adminEmail: config.adminEmail, adminPassword: config.adminPassword },
      now,
    );
    await ensureSigningKey(database.orm.em.fork(), keyring, "ES256", now);
    const signer = createTokenSigner({ em: () => database.orm.em.fork(), keyring, issuer: config.publicUrl });
    const app = createApp({ config, orm: database.orm, logger, keyring, signer });
    const rotation = scheduleSigningKeyRotation({
      orm: database.orm,
      keyring,
      logger,
      rotateAfterDays: config.signingKeyRotationDays,
      onRotated: () => signer.reset(),
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
      s.once("error", reject);
    });
    // Longer than typical load balancer idle timeouts, so they close idle connections first, never us.
    if ("keepAliveTimeout" in server) server.keepAliveTimeout = 65_000;
    const { port } = server.address() as AddressInfo;
    const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
    return {
      listenUrl: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      port,
      orm: database.orm,
      firstRun,
      async close() {
        rotation.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ("closeIdleConnections" in server) server.closeIdleConnections();
        });
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
