const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` can be a row id (a uuid in its canonical text form). Checked before any id from outside reaches
 * SQL: anything else is simply not found, never a PostgreSQL cast error.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
