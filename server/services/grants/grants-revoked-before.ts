import type { EntityManager } from "@mikro-orm/postgresql";
import { Application } from "../../db/entities/index.ts";

/**
 * The condition that leaves out grants an app-wide revocation covers before the background job has marked their rows:
 * read fresh (not from the client cache), since it decides whether a consent reuses a grant.
 */
export async function notRevokedByApplication(
  em: EntityManager,
  applicationId: string,
): Promise<{ createdAt?: { $gte: Date } }> {
  const app = await em.findOne(Application, { id: applicationId }, { fields: ["grantsRevokedBefore"] });
  const before = app?.grantsRevokedBefore;
  return before ? { createdAt: { $gte: before } } : {};
}
