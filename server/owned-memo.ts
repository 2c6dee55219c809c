/** Values by owner, then by name: each made on first use, and dropped with its owner. */
export type OwnedMemo = WeakMap<object, Map<string, unknown>>;

/**
 * The value named `name` of `owner`, made by `create` the first time it is asked for: a statement's batch queue per
 * connection pool, a DataLoader per GraphQL request and page shape.
 */
export function memoized<T>(memo: OwnedMemo, owner: object, name: string, create: () => T): T {
  let byName = memo.get(owner);
  if (!byName) {
    byName = new Map();
    memo.set(owner, byName);
  }
  if (!byName.has(name)) byName.set(name, create());
  return byName.get(name) as T;
}
