/**
 * Row ids as one PostgreSQL array literal (`{a,b}`), bound as a single parameter and cast to `uuid[]`, whatever their
 * number. Only for uuids (which need no quoting), never for free text.
 */
export const uuidArrayLiteral = (ids: readonly string[]): string => `{${ids.join(",")}}`;
