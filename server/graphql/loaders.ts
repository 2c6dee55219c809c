import type { EntityManager } from "@mikro-orm/postgresql";
import DataLoader from "dataloader";
import { type Row, readRows } from "../db/read-rows.ts";
import { NotFoundError } from "../services/errors.ts";
import { isUuid } from "../uuid.ts";
import type { GraphQLContext } from "./context.ts";

type EntityClass<T> = new (...args: never[]) => T;

type OwnedWhere = Record<string, unknown>;

/** `ids` in DataLoader's order, each the row `read` found for it or NotFoundError; ids that are no uuid read nothing. */
async function loadByIds<R extends { id: string }>(
  entityName: string,
  ids: readonly string[],
  read: (where: OwnedWhere) => Promise<R[]>,
  organizationPath: OwnedWhere,
): Promise<(R | Error)[]> {
  const valid = ids.filter(isUuid);
  const rows = valid.length > 0 ? await read({ id: { $in: valid }, ...organizationPath }) : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? new NotFoundError(entityName));
}

/**
 * Batch-loads rows of an organization-owned entity by id for DataLoader. Rows of another organization load as
 * NotFoundError, exactly like ids that do not exist, so a guessed global id reveals nothing.
 */
export function loadOwned<T extends { id: string }>(
  entity: EntityClass<T>,
  ids: readonly string[],
  context: GraphQLContext,
  organizationPath: OwnedWhere = { organization: context.principal.organizationId },
): Promise<(T | Error)[]> {
  const em = context.em as EntityManager;
  return loadByIds(entity.name, ids, (where) => em.find(entity, where as never), organizationPath);
}

/** {@link loadOwned} as plain rows ({@link readRows}), for the nodes the control plane reads in pages. */
export function loadOwnedRows<T extends { id: string }>(
  entity: EntityClass<T>,
  ids: readonly string[],
  context: GraphQLContext,
  organizationPath: OwnedWhere = { organization: context.principal.organizationId },
): Promise<(Row<T> | Error)[]> {
  const read = (where: OwnedWhere) =>
    readRows(context.em, entity, where as never) as Promise<(Row<T> & { id: string })[]>;
  return loadByIds(entity.name, ids, read, organizationPath);
}

/** Groups child rows by a parent key, in the order DataLoader asked for the parents. */
export function groupBy<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/**
 * Each app's rows of `entity` (redirect URIs, client secrets, identity providers), oldest first, as plain rows: one
 * query for every app of the response, since DataLoader batches the ids of all apps resolved together.
 */
export async function loadRowsOfApplications<T extends object>(
  entity: EntityClass<T>,
  applicationIds: readonly string[],
  context: GraphQLContext,
): Promise<Row<T>[][]> {
  const rows = await readRows(context.em, entity, { application: { $in: applicationIds } } as never, {
    orderBy: { createdAt: "asc", id: "asc" } as never,
  });
  return groupBy(applicationIds, rows, (row) => (row as { application: string }).application);
}

/**
 * The request's DataLoader named `name`, made on first use: for values several fields (or several shapes of one
 * field) need, which Pothos' per-field loaders would each load again.
 */
export function requestLoader<V>(
  context: GraphQLContext,
  name: string,
  batch: (keys: readonly string[]) => Promise<V[]>,
): DataLoader<string, V> {
  let loader = context.loaders.get(name) as DataLoader<string, V> | undefined;
  if (!loader) {
    loader = new DataLoader<string, V>(batch);
    context.loaders.set(name, loader);
  }
  return loader;
}
