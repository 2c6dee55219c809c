import net from "node:net";

/** A TCP proxy in front of PostgreSQL, so a test can cut the database off and bring it back like a network outage. */
export type TcpProxy = {
  readonly port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
};

export async function startTcpProxy(
  targetHost: string,
  targetPort: number,
  /** Sees every chunk a client sends, per connection, before it is forwarded. */
  onClientData?: (connection: number, chunk: Buffer) => void,
): Promise<TcpProxy> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost);
        const id = connections++;
        if (onClientData) client.on("data", (chunk: Buffer) => onClientData(id, chunk));
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
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
    close: cut,
  };
}
