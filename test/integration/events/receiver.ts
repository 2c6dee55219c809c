import http from "node:http";
import type { AddressInfo } from "node:net";

/** One request a test receiver got. */
export type Received = {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly at: number;
};

/** How the receiver answers one request: a status (default 204), optionally late, never, or with a body. */
export type Reply = {
  status?: number;
  delayMs?: number;
  hang?: boolean;
  body?: string | Buffer;
  headers?: Record<string, string>;
};

export type Receiver = {
  readonly url: string;
  readonly received: Received[];
  /** TCP connections accepted, whether or not a request followed. */
  readonly connections: () => number;
  /** The most requests that were open (received, not yet answered or abandoned) at one time. */
  readonly maxOpen: () => number;
  /** Decides each reply from the request; default answers 204 at once. */
  reply: (request: Received) => Reply;
  /** Resolves once `count` requests (in all) arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
};

/** A real HTTP receiver on 127.0.0.1 that records every webhook it is sent. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const receiver: Partial<Receiver> & { reply: Receiver["reply"] } = { reply: () => ({}) };
  let open = 0;
  let maxOpen = 0;
  const server = http.createServer((req, res) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    res.once("close", () => open--);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = String(value);
      const request: Received = {
        path: req.url ?? "/",
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      received.push(request);
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const reply = receiver.reply(request);
      if (reply.hang) return;
      setTimeout(() => {
        res.writeHead(reply.status ?? 204, reply.headers);
        res.end(reply.body);
      }, reply.delayMs ?? 0);
    });
  });
  let connections = 0;
  server.on("connection", (socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}`,
    received,
    connections: () => connections,
    maxOpen: () => maxOpen,
    waitFor(count: number, timeoutMs = 15_000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise<Received[]>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`receiver got ${received.length} requests, expected ${count}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as Receiver;
}
