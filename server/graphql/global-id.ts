import { NotFoundError } from "../services/errors.ts";
import { isUuid } from "../uuid.ts";

/** The row id behind a decoded global id, or NotFoundError when it names another type or cannot be an id. */
export function rowId(globalId: { typename: string; id: string }, typename: string): string {
  if (globalId.typename !== typename || !isUuid(globalId.id)) throw new NotFoundError(typename);
  return globalId.id;
}
