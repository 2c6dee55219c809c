import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * Runs `work` in a transaction of its own, or, when `em` is already inside one, in a savepoint of that one (MikroORM's
 * NESTED propagation): a use case stays atomic alone and composes into a bigger one (a REST `PUT` that replaces
 * redirect URIs, settings and the active flag together) whose failure rolls every part back.
 */
export function inTransaction<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return em.isInTransaction() ? em.transactional(work) : em.fork().transactional(work);
}
