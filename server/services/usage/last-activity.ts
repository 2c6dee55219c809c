import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * When each app was last used, in the order of `applicationIds` (null for an app never used): the latest of an access
 * token issued to a user (or any opaque one), its client secret authenticating a request (written to the minute), and a
 * redirect URI completing an authorization. A client_credentials JWT leaves no row, but its secret's use does. One
 * statement for a whole page of apps, each part served by an index on application_id.
 */
export async function lastActivityAt(em: EntityManager, applicationIds: readonly string[]): Promise<(Date | null)[]> {
  if (applicationIds.length === 0) return [];
  const rows = await em.execute<{ id: string; last: Date | string | null }[]>(
    `select a.id, greatest(
        (select max(t.created_at) from access_tokens t where t.application_id = a.id),
        (select max(s.last_used_at) from client_secrets s where s.application_id = a.id),
        (select max(r.last_used_at) from redirect_uris r where r.application_id = a.id)
      ) as last
      from applications a where a.id in (${applicationIds.map(() => "?").join(", ")})`,
    [...applicationIds],
  );
  const last = new Map(rows.map((row) => [row.id, row.last === null ? null : new Date(row.last)]));
  return applicationIds.map((id) => last.get(id) ?? null);
}
