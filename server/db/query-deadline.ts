import type pg from "pg";

/** Time past PostgreSQL's own statement_timeout before a statement with no answer counts as a hung connection. */
export const DEADLINE_GRACE_MS = 1000;

/** The error every query of a connection abandoned by its deadline rejects with (read as "database unavailable"). */
export class DatabaseTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(ms: number) {
    super(`The database did not answer within ${ms} ms`);
    this.name = "DatabaseTimeoutError";
  }
}

/**
 * Gives every query of `client` a client-side deadline of `deadlineMs()` (0: none). PostgreSQL's statement_timeout
 * cannot fire on a server that is frozen or unreachable, and pg's own `query_timeout` only rejects the promise: the
 * connection, still waiting for the answer (with its transaction open on the server), would go back to the pool and
 * serve the next request. Past the deadline the connection is destroyed instead, so every query on it fails at once,
 * the pool discards it, and the server rolls back whatever transaction it held: nothing is half-written.
 *
 * Cursors and other submittables are left alone (their rows come in batches).
 */
export function guardQueries(client: pg.ClientBase, deadlineMs: () => number): void {
  const query = client.query as (...args: unknown[]) => unknown;
  const guarded = function (this: pg.ClientBase, ...args: unknown[]): unknown {
    const ms = deadlineMs();
    const first = args[0] as { submit?: unknown } | null | undefined;
    if (ms <= 0 || (typeof first === "object" && first !== null && typeof first.submit === "function")) {
      return query.apply(this, args);
    }
    const timer = setTimeout(() => {
      const stream = (client as unknown as { connection?: { stream?: { destroy(error?: Error): void } } }).connection
        ?.stream;
      stream?.destroy(new DatabaseTimeoutError(ms));
    }, ms);
    timer.unref();
    const done = () => clearTimeout(timer);
    const callbackAt = args.findIndex((arg) => typeof arg === "function");
    if (callbackAt >= 0) {
      const callback = args[callbackAt] as (error: unknown, result: unknown) => void;
      args[callbackAt] = (error: unknown, result: unknown) => {
        done();
        callback(error, result);
      };
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === "function") {
      (result as Promise<unknown>).then(done, done);
    } else {
      done();
    }
    return result;
  };
  client.query = guarded as typeof client.query;
}
