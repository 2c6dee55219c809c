import pg from "pg";
import type { Logger } from "../logger.ts";

export type ChangeListener = {
  /** Settles once the first LISTEN is in place (or the first attempt failed; it keeps retrying). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
};

export type ChangeListenerOptions = {
  readonly url: string;
  /** Each channel to LISTEN on, with what a NOTIFY on it does (given its payload). One connection serves them all. */
  readonly channels: Readonly<Record<string, (payload: string) => void>>;
  readonly logger: Logger;
  /** LISTEN is in place: from now on every change is reported, so cached state may be trusted again. */
  onListening(): void;
  /** The connection was lost: changes may be missed until onListening again. */
  onLost(): void;
};

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

/**
 * A dedicated PostgreSQL connection (outside the pool: LISTEN holds its session) that LISTENs on the given channels
 * and reconnects with backoff when it drops. Pooled connections cannot LISTEN: they are shared and come and go.
 */
export function startChangeListener(options: ChangeListenerOptions): ChangeListener {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  let settleReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    settleReady = resolve;
  });

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  const lost = (current: pg.Client, error?: unknown) => {
    if (client !== current) return;
    client = undefined;
    options.onLost();
    current.removeAllListeners("notification");
    current.end().catch(() => undefined);
    if (!stopped) {
      options.logger.warn(
        { err: error, channels: Object.keys(options.channels) },
        "change listener lost its connection; retrying",
      );
      scheduleReconnect();
    }
  };

  async function connect(): Promise<void> {
    if (stopped) return;
    const current = new pg.Client({ connectionString: options.url, keepAlive: true });
    client = current;
    current.on("error", (error) => lost(current, error));
    current.on("end", () => lost(current));
    current.on("notification", (message) => {
      if (Object.hasOwn(options.channels, message.channel)) options.channels[message.channel]!(message.payload ?? "");
    });
    try {
      await current.connect();
      for (const channel of Object.keys(options.channels))
        await current.query(`listen ${pg.escapeIdentifier(channel)}`);
      if (client !== current || stopped) return;
      retryMs = RETRY_MIN_MS;
      options.onListening();
    } catch (error) {
      lost(current, error);
    } finally {
      settleReady();
    }
  }

  void connect();
  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      const current = client;
      client = undefined;
      options.onLost();
      if (current) {
        current.removeAllListeners("notification");
        await current.end().catch(() => undefined);
      }
    },
  };
}
