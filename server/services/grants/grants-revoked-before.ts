import type { EntityManager } from "@mikro-orm/postgresql";
import { Application } from "../../db/entities/index.ts";
import { uuidArrayLiteral } from "../../db/uuid-array.ts";

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

/**
 * Each app's `grants_revoked_before` (null when none), in the order asked, in one statement: plain rows, not entities,
 * so a partial Application never enters the identity map the rest of the request loads whole apps from.
 */
export async function grantsRevokedBefore(
  em: EntityManager,
  applicationIds: readonly string[],
): Promise<(Date | null)[]> {
  const rows = await em.execute<{ id: string; grants_revoked_before: Date | string | null }[]>(
    "select id, grants_revoked_before from applications where id = any(cast(? as uuid[]))",
    [uuidArrayLiteral(applicationIds)],
  );
  const byId = new Map(rows.map((row) => [row.id, row.grants_revoked_before]));
  return applicationIds.map((id) => {
    const before = byId.get(id);
    return before == null ? null : new Date(before);
  });
}
