/**
 * Text PostgreSQL cannot hold: a NUL character (U+0000). MikroORM inlines parameters into the SQL text, and a NUL
 * there ends the protocol message early ("invalid message format", SQLSTATE 08P01, a connection-class error); bound
 * as a parameter it is `character_not_in_repertoire` (22021), and `\u0000` inside JSON is `untranslatable_character`
 * (22P05). No rule of ours made such a value wrong, but it can never be stored or matched, so every face answers it
 * as the caller's bad input (BAD_USER_INPUT, 400), never a server error, and it never reaches the database.
 */
const UNSTORABLE_TEXT_SQLSTATES = new Set(["22021", "22P05"]);

/** What every face tells the caller, without echoing the value. */
export const UNSTORABLE_TEXT_MESSAGE = "A text value contains a NUL character (U+0000), which is not allowed";

/**
 * A query refused before it was sent, because a parameter holds a NUL character. It carries the SQLSTATE PostgreSQL
 * gives a bound NUL, which survives MikroORM rewrapping it as a DriverException (own properties are copied).
 */
export class UnstorableTextError extends Error {
  readonly code = "22021";
  constructor() {
    super(UNSTORABLE_TEXT_MESSAGE);
    this.name = "UnstorableTextError";
  }
}

function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value) && depth < 4) return value.some((item) => holdsNul(item, depth + 1));
  return false;
}

/**
 * MikroORM's `onQuery` hook: throws {@link UnstorableTextError} when the statement or one of its parameters holds a
 * NUL, so the statement is never sent (whatever column or lookup the value was meant for).
 */
export function refuseUnstorableText(sql: string, params: readonly unknown[]): string {
  if (sql.includes("\u0000") || holdsNul(params)) throw new UnstorableTextError();
  return sql;
}

/** Whether `error` (or an error in its `cause` chain) is text the database cannot represent. */
export function isUnstorableText(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (typeof current !== "object") return false;
    if (current instanceof UnstorableTextError) return true;
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string" && UNSTORABLE_TEXT_SQLSTATES.has(code)) return true;
    current = cause;
  }
  return false;
}
