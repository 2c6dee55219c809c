import { type ResolveCursorConnectionArgs, resolveCursorConnection } from "@pothos/plugin-relay";
import { ValidationError } from "../services/errors.ts";
import { isUuid } from "../uuid.ts";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

type Row = { readonly id: string; readonly createdAt: Date };
export type ConnectionArgs = {
  first?: number | null;
  last?: number | null;
  before?: string | null;
  after?: string | null;
};

/** An opaque keyset cursor: creation time then id, so order is stable even when rows share a timestamp. */
export function encodeCursor(row: Row): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

/**
 * The position a cursor names. One this server did not make (its id part no uuid, which would reach SQL as a cast
 * error) is refused like any malformed one, naming the argument it came in.
 */
export function decodeCursor(cursor: string, argument: "after" | "before" = "after"): { createdAt: Date; id: string } {
  const [iso, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || rest.length > 0 || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    throw new ValidationError(argument, `${argument} is not a cursor of this list`);
  }
  return { createdAt, id };
}

/** The keyset condition of a page, for a query ordered by (createdAt, id). */
export function keysetWhere(args: ResolveCursorConnectionArgs): Record<string, unknown> {
  const bound = args.after
    ? decodeCursor(args.after, "after")
    : args.before
      ? decodeCursor(args.before, "before")
      : null;
  if (!bound) return {};
  const op = args.after ? "$gt" : "$lt";
  return { $or: [{ createdAt: { [op]: bound.createdAt } }, { createdAt: bound.createdAt, id: { [op]: bound.id } }] };
}

/** `first` and `last`: 0 to {@link MAX_PAGE_SIZE}; a negative one is refused here, not deep in the connection helper. */
function checkPageSize(args: ConnectionArgs): void {
  for (const argument of ["first", "last"] as const) {
    const size = args[argument];
    if (size === null || size === undefined) continue;
    if (size < 0) throw new ValidationError(argument, `${argument} must not be negative`);
    if (size > MAX_PAGE_SIZE) throw new ValidationError(argument, `pages hold at most ${MAX_PAGE_SIZE} items`);
  }
}

export function keysetOrder(args: ResolveCursorConnectionArgs): { createdAt: "asc" | "desc"; id: "asc" | "desc" } {
  return args.inverted ? { createdAt: "desc", id: "desc" } : { createdAt: "asc", id: "asc" };
}

/**
 * A Relay connection over rows ordered by (createdAt, id), at most {@link MAX_PAGE_SIZE} per page. `load` gets the
 * keyset bounds and the limit (one more than the page, so hasNextPage needs no second query).
 */
export function paginate<T extends Row>(
  args: ConnectionArgs,
  load: (page: {
    where: Record<string, unknown>;
    orderBy: ReturnType<typeof keysetOrder>;
    limit: number;
  }) => Promise<T[]>,
) {
  checkPageSize(args);
  return resolveCursorConnection<Promise<T[]>>(
    {
      args: args as never,
      toCursor: (row: T) => encodeCursor(row),
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
    },
    (page) => load({ where: keysetWhere(page), orderBy: keysetOrder(page), limit: page.limit }),
  );
}

/**
 * A Relay connection over rows ordered newest first by (createdAt, id) descending, the audit trail's natural order.
 * `after` a cursor means older than it, `before` newer; {@link MAX_PAGE_SIZE} per page, like `paginate`.
 */
export function paginateNewestFirst<T extends Row>(
  args: ConnectionArgs,
  load: (page: {
    where: Record<string, unknown>;
    orderBy: { createdAt: "asc" | "desc"; id: "asc" | "desc" };
    limit: number;
  }) => Promise<T[]>,
) {
  checkPageSize(args);
  const beyond = (cursor: string, op: "$lt" | "$gt") => {
    const bound = decodeCursor(cursor, op === "$lt" ? "after" : "before");
    return { $or: [{ createdAt: { [op]: bound.createdAt } }, { createdAt: bound.createdAt, id: { [op]: bound.id } }] };
  };
  return resolveCursorConnection<Promise<T[]>>(
    {
      args: args as never,
      toCursor: (row: T) => encodeCursor(row),
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
    },
    (page) => {
      const bounds = [
        ...(page.after ? [beyond(page.after, "$lt")] : []),
        ...(page.before ? [beyond(page.before, "$gt")] : []),
      ];
      return load({
        where: bounds.length > 0 ? { $and: bounds } : {},
        // Read from the far end for `last`; the connection puts the page back in newest-first order.
        orderBy: page.inverted ? { createdAt: "asc", id: "asc" } : { createdAt: "desc", id: "desc" },
        limit: page.limit,
      });
    },
  );
}
