import pg from "pg";
import { inTransaction } from "../db/native-pool.ts";
import type { Logger } from "../logger.ts";

/**
 * First key of the advisory locks that say "this graphile-worker worker is alive" (the second is a hash of the
 * worker id). A constant of our own, so the locks never meet anyone else's.
 */
const LIVENESS_LOCK_CLASS = 0x1a7c4; // "latch"

/**
 * graphile-worker releases the jobs of a worker that was killed (SIGKILL, OOM, a lost machine) only after four
 * hours. This gives the dead back sooner: every live worker holds a session advisory lock named after its id on a
 * connection of its process; the locks vanish with the process. {@link recoverAbandonedJobs} then unlocks the jobs
 * of any worker whose lock nobody holds.
 */
export type WorkerLiveness = {
  register(workerId: string): void;
  unregister(workerId: string): void;
  stop(): Promise<void>;
};

export function startWorkerLiveness(options: { readonly url: string; readonly logger: Logger }): WorkerLiveness {
  const ids = new Set<string>();
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  // One statement at a time on the connection, in order: a lock taken and released quickly must end released.
  let queue: Promise<unknown> = Promise.resolve();
  const run = (current: pg.Client, sql: string, id: string) => {
    queue = queue.then(() => current.query(sql, [LIVENESS_LOCK_CLASS, id]).catch(() => undefined));
    return queue;
  };
  // Try-lock: a hash collision with a live worker must not block this connection; it only costs early recovery.
  const lock = (current: pg.Client, id: string) => run(current, "select pg_try_advisory_lock($1, hashtext($2))", id);

  const connect = async () => {
    if (stopped) return;
    const current = new pg.Client({ connectionString: options.url, keepAlive: true });
    const lost = (error?: unknown) => {
      if (client !== current) return;
      client = undefined;
      current.end().catch(() => undefined);
      if (stopped) return;
      options.logger.warn({ err: error }, "webhook worker liveness connection lost; reconnecting");
      retry = setTimeout(() => void connect(), 1000);
      retry.unref();
    };
    client = current;
    current.on("error", lost);
    current.on("end", () => lost());
    try {
      await current.connect();
      queue = Promise.resolve();
      for (const id of ids) await lock(current, id);
    } catch (error) {
      lost(error);
    }
  };
  void connect();

  return {
    register(workerId) {
      ids.add(workerId);
      if (client) void lock(client, workerId);
    },
    unregister(workerId) {
      ids.delete(workerId);
      if (client) void run(client, "select pg_advisory_unlock($1, hashtext($2))", workerId);
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

/**
 * Unlocks the jobs (and named queues) held by workers that are gone: locked for longer than `lockedForMs` (so a
 * worker that has only just started and not yet taken its liveness lock is left alone) by a worker whose liveness
 * lock is free. Safe to run from every replica at once. Returns the ids of the workers it released.
 */
export async function recoverAbandonedJobs(pool: pg.Pool, lockedForMs: number): Promise<string[]> {
  const stale = await pool.query<{ locked_by: string }>(
    `select distinct locked_by from graphile_worker.jobs
      where locked_by is not null and locked_at < now() - make_interval(secs => $1)`,
    [lockedForMs / 1000],
  );
  const released: string[] = [];
  for (const { locked_by: workerId } of stale.rows) {
    const dead = await inTransaction(pool, async (client) => {
      const free = await client.query<{ free: boolean }>("select pg_try_advisory_xact_lock($1, hashtext($2)) as free", [
        LIVENESS_LOCK_CLASS,
        workerId,
      ]);
      if (!free.rows[0]?.free) return false;
      await client.query("select graphile_worker.force_unlock_workers(array[$1]::text[])", [workerId]);
      return true;
    });
    if (dead) released.push(workerId);
  }
  return released;
}
