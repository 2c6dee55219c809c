/** Seconds a client should wait before retrying when the database is unavailable. */
export const RETRY_AFTER_SECONDS = 5;

/** PostgreSQL SQLSTATEs (and socket errors) that mean "the database cannot serve us right now", not "the query is wrong". */
const UNAVAILABLE_SQLSTATES = new Set([
  // query_canceled: the statement ran into statement_timeout (LATCH_DB_STATEMENT_TIMEOUT_MS), its transaction rolled back.
  "57014",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);
const UNAVAILABLE_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
];

/**
 * Whether `error` (or any error in its `cause` chain) says the database is unreachable or refusing work.
 * Callers answer 503 with Retry-After for these, since retrying later can succeed.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (typeof current !== "object") return false;
    const { code, message, cause, name } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      name?: unknown;
    };
    if (name === "ConnectionException") return true;
    if (typeof code === "string" && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = cause;
  }
  return false;
}
