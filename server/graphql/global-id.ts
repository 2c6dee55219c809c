import { decodeGlobalID } from "@pothos/plugin-relay";
import { NotFoundError } from "../services/errors.ts";
import { isUuid } from "../uuid.ts";

/** The row id behind a decoded global id, or NotFoundError when it names another type or cannot be an id. */
export function rowId(globalId: { typename: string; id: string }, typename: string): string {
  if (globalId.typename !== typename || !isUuid(globalId.id)) throw new NotFoundError(typename);
  return globalId.id;
}

/**
 * The row id behind `value` when it is a global id of `typename`, else `value` unchanged: filters accept both the
 * global id and the plain row id. A global id of another type stays as it is, is no row id, and matches nothing.
 */
export function rowIdOf(value: string, typename: string): string {
  try {
    const decoded = decodeGlobalID(value);
    if (decoded.typename === typename) return decoded.id;
  } catch {
    // Not a global id: a plain row id (or nothing at all).
  }
  return value;
}
