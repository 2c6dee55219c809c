import { decodeGlobalID } from "@pothos/plugin-relay";
import { type GraphQLSchema, isObjectType } from "graphql";
import { NotFoundError } from "../services/errors.ts";
import { isUuid } from "../uuid.ts";

export type DecodedGlobalId = { typename: string; id: string };

/** What a value that cannot be one of our global ids decodes to: a type no object has, so it names no row. */
export const NO_GLOBAL_ID: DecodedGlobalId = Object.freeze({ typename: "", id: "" });

/** A uuid no row has (ours are random v4/v7): a filter on it matches nothing, as a nonexistent id does. */
export const NO_ROW_ID = "00000000-0000-0000-0000-000000000000";

/**
 * Decodes every `ID` argument and input field (the builder's relay `decodeGlobalID`). Pothos throws on anything
 * that is not base64 of `Type:id`, which surfaced as INTERNAL_SERVER_ERROR; here a value that is not base64, names no
 * type, or whose id part is not a uuid decodes to {@link NO_GLOBAL_ID}, so it is answered exactly as a well-formed id
 * of no row is (NOT_FOUND, null, or an empty page), and nothing but a uuid ever reaches SQL.
 */
export function decodeGlobalIdOrNone(value: string): DecodedGlobalId {
  try {
    const decoded = decodeGlobalID(value);
    if (isUuid(decoded.id)) return decoded;
  } catch {
    // Not a global id at all.
  }
  return NO_GLOBAL_ID;
}

/** Whether `node`/`nodes` can load `globalId`: its type is one of the schema's Node object types. */
export function isLoadableNode(schema: GraphQLSchema, globalId: DecodedGlobalId | null | undefined): boolean {
  if (!globalId || globalId.typename === "") return false;
  const type = schema.getType(globalId.typename);
  return isObjectType(type) && type.getInterfaces().some((candidate) => candidate.name === "Node");
}

/** The row id behind a decoded global id, or NotFoundError when it names another type or cannot be an id. */
export function rowId(globalId: { typename: string; id: string }, typename: string): string {
  if (globalId.typename !== typename || !isUuid(globalId.id)) throw new NotFoundError(typename);
  return globalId.id;
}

/**
 * The row id a list filter matches: the id behind a global id of `typename`, else {@link NO_ROW_ID}. A filter on
 * another type's id, or a malformed one, gives an empty page, exactly as a well-formed id of no row does.
 */
export function filterRowId(globalId: DecodedGlobalId, typename: string): string {
  return globalId.typename === typename && isUuid(globalId.id) ? globalId.id : NO_ROW_ID;
}

/**
 * The row id behind `value` when it is a global id of `typename`, else `value` unchanged: filters accept both the
 * global id and the plain row id. A global id of another type, or anything that is not a uuid, matches nothing.
 */
export function rowIdOf(value: string, typename: string): string {
  let id = value;
  try {
    const decoded = decodeGlobalID(value);
    if (decoded.typename === typename) id = decoded.id;
  } catch {
    // Not a global id: a plain row id (or nothing at all).
  }
  // Anything else (another type's global id, no id at all) is no row id: it matches nothing, never a SQL cast error.
  return isUuid(id) ? id : NO_ROW_ID;
}
