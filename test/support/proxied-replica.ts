import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";
import type { TestDatabase } from "./test-database.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

/** A second replica of a deployment whose every connection to the database (pool and LISTEN) runs through a proxy. */
export type ProxiedReplica = { readonly proxy: TcpProxy; readonly server: TestServer; stop(): Promise<void> };

/**
 * Starts another server on `database` through a TCP proxy the test can cut and restore, with the same master key as
 * the first (so it signs with the same keys).
 */
export async function startProxiedReplica(database: TestDatabase, masterKey: string): Promise<ProxiedReplica> {
  const target = new URL(database.url);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const url = new URL(database.url);
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  const server = await startTestServer({
    env: { DATABASE_URL: url.toString(), LATCH_MASTER_KEY: masterKey },
    database,
  });
  return {
    proxy,
    server,
    async stop() {
      await proxy.restore().catch(() => undefined);
      await server.stop();
      await proxy.close();
    },
  };
}
