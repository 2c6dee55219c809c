import type { EntityManager } from "@mikro-orm/postgresql";
import { Grant } from "../../db/entities/index.ts";
import { standingGrant } from "./grant-filter.ts";

/**
 * Standing grants (revoked neither by their row nor by their app) per application, for a batch of applications in one
 * grouped statement: `select application_id, count(*) ... group by application_id`. Apps without grants count 0.
 */
export async function countActiveGrants(em: EntityManager, applicationIds: readonly string[]): Promise<number[]> {
  if (applicationIds.length === 0) return [];
  const counts = await em.countBy(Grant, "application", {
    where: { $and: [{ application: { $in: [...applicationIds] } }, standingGrant()] },
  });
  return applicationIds.map((id) => Number(counts[id] ?? 0));
}
