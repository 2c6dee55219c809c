import type { EntityManager } from "@mikro-orm/postgresql";
import { Grant } from "../../db/entities/index.ts";

/**
 * Active (unrevoked) grants per application, for a batch of applications in one grouped statement:
 * `select application_id, count(*) ... group by application_id`. Apps without grants count 0.
 */
export async function countActiveGrants(em: EntityManager, applicationIds: readonly string[]): Promise<number[]> {
  if (applicationIds.length === 0) return [];
  const counts = await em.countBy(Grant, "application", {
    where: { application: { $in: [...applicationIds] }, revokedAt: null },
  });
  return applicationIds.map((id) => Number(counts[id] ?? 0));
}
