import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";
import { createTestDatabase, type TestDatabase } from "./test-database.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

/**
 * Counts the SQL statements clients send to PostgreSQL by reading the frontend protocol on the wire: one per
 * simple Query ('Q') or extended-protocol Execute ('E') message. Independent of the ORM, so it counts what the
 * database really receives.
 */
export type StatementCounter = { readonly proxy: TcpProxy; readonly url: string; count(): number; reset(): void };

export async function startStatementCounter(database: TestDatabase): Promise<StatementCounter> {
  let statements = 0;
  const streams = new Map<number, { buffer: Buffer; started: boolean }>();
  const target = new URL(database.url);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432), (connection, chunk) => {
    const stream = streams.get(connection) ?? { buffer: Buffer.alloc(0), started: false };
    streams.set(connection, stream);
    stream.buffer = Buffer.concat([stream.buffer, chunk]);
    for (;;) {
      // The startup (and SSL request) message has no type byte: int32 length, then the payload.
      if (!stream.started) {
        if (stream.buffer.length < 8) break;
        const length = stream.buffer.readInt32BE(0);
        if (stream.buffer.length < length) break;
        const code = stream.buffer.readInt32BE(4);
        stream.buffer = stream.buffer.subarray(length);
        if (code !== 80877103) stream.started = true; // 80877103 = SSLRequest, followed by the real startup
        continue;
      }
      if (stream.buffer.length < 5) break;
      const type = String.fromCharCode(stream.buffer[0]!);
      const length = stream.buffer.readInt32BE(1);
      if (stream.buffer.length < 1 + length) break;
      if (type === "Q" || type === "E") statements++;
      stream.buffer = stream.buffer.subarray(1 + length);
    }
  });
  const url = new URL(database.url);
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  return {
    proxy,
    url: url.toString(),
    count: () => statements,
    reset: () => {
      statements = 0;
    },
  };
}

export type CountedServer = {
  readonly server: TestServer;
  readonly counter: StatementCounter;
  readonly database: TestDatabase;
  /** Stops the server, then the counter, then drops the database. */
  stop(): Promise<void>;
};

/**
 * A test server on its own database whose every connection passes through a statement counter. With `worker: false`
 * no webhook worker runs in it, so its polling and jobs are not counted as the statements under test.
 */
export async function startCountedServer(options: { worker: boolean }): Promise<CountedServer> {
  const database = await createTestDatabase();
  const counter = await startStatementCounter(database);
  const env = { DATABASE_URL: counter.url, ...(options.worker ? {} : { LATCH_RUN_WORKER: "false" }) };
  const server = await startTestServer({ database, env });
  return {
    server,
    counter,
    database,
    async stop() {
      await server.stop();
      await counter.proxy.close();
      await database.drop();
    },
  };
}
