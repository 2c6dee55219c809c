import net from "node:net";

/**
 * A TCP proxy in front of PostgreSQL, so a test can cut the database off and bring it back like a network outage,
 * or freeze it like a hung server (a stopped process, a stalled disk): connections stay open, new ones are accepted,
 * but nothing passes either way until `thaw()`.
 */
export type TcpProxy = {
  readonly port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Stops forwarding: every byte either way waits (and a closed side is not told to the other) until `thaw()`. */
  freeze(): void;
  /** Forwards again what waited; a connection one side closed while frozen is closed on the other side too. */
  thaw(): void;
  close(): Promise<void>;
};

type Pair = { readonly client: net.Socket; readonly upstream: net.Socket; closed: boolean };

export async function startTcpProxy(
  targetHost: string,
  targetPort: number,
  /** Sees every chunk a client sends, per connection, before it is forwarded. */
  onClientData?: (connection: number, chunk: Buffer) => void,
): Promise<TcpProxy> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const pairs = new Set<Pair>();
  let frozen = false;
  let server: net.Server | undefined;
  let port = 0;
  const connect = (pair: Pair) => {
    pair.client.pipe(pair.upstream).pipe(pair.client);
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost);
        const id = connections++;
        const pair: Pair = { client, upstream, closed: false };
        pairs.add(pair);
        if (onClientData) client.on("data", (chunk: Buffer) => onClientData(id, chunk));
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => {
            sockets.delete(socket);
            pair.closed = true;
            if (!frozen) pairs.delete(pair);
          });
          socket.on("error", () => {
            pair.closed = true;
            if (!frozen) {
              client.destroy();
              upstream.destroy();
            }
          });
        }
        if (frozen) {
          client.pause();
          upstream.pause();
        } else {
          connect(pair);
        }
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const cut = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  };
  await listen();
  return {
    get port() {
      return port;
    },
    cut,
    restore: listen,
    freeze() {
      frozen = true;
      for (const { client, upstream } of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    thaw() {
      frozen = false;
      for (const pair of pairs) {
        if (pair.closed || pair.client.destroyed || pair.upstream.destroyed) {
          pair.client.destroy();
          pair.upstream.destroy();
          pairs.delete(pair);
        } else {
          connect(pair);
        }
      }
    },
    close: cut,
  };
}
