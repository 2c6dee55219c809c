import type { EntityManager } from "@mikro-orm/postgresql";
import type { ConnectionStatus } from "../../db/entities/connection.entity.ts";

/** One of a user's integration connections, as the account's Connections page shows it. */
export type OwnConnection = {
  readonly id: string;
  readonly integrationId: string;
  /** The integration's domain ("files.example"): what the person connected to. */
  readonly domain: string;
  readonly workspaceName: string;
  readonly status: ConnectionStatus;
  readonly scopes: readonly string[];
  readonly connectedAt: Date;
  readonly lastRefreshedAt: Date | null;
  /**
   * Whether its user can connect it again: an authorization-code integration of a workspace they still belong to
   * (the connect flow refuses anyone else, so a former member only gets Disconnect).
   */
  readonly reconnectable: boolean;
};

type Row = {
  id: string;
  integration_id: string;
  domain: string;
  workspace_name: string;
  status: ConnectionStatus;
  scopes: string[];
  created_at: Date;
  last_refreshed_at: Date | null;
  grant_type: string;
  member: boolean;
};

/**
 * The integration connections that belong to `userId` (seed 004), those needing attention first, then the newest:
 * never an organization's service connection, never another user's. One statement.
 */
export async function listOwnConnections(em: EntityManager, userId: string): Promise<OwnConnection[]> {
  const rows = await em.getConnection().execute<Row[]>(
    `select c.id, c.integration_id, i.domain, o.name as workspace_name, c.status, c.scopes, c.created_at,
        c.last_refreshed_at, i.grant_type,
        exists (select 1 from memberships m where m.organization_id = i.organization_id and m.user_id = c.user_id)
          as member
      from connections c
      join integration_credentials i on i.id = c.integration_id
      join organizations o on o.id = i.organization_id
      where c.user_id = ?
      order by (c.status = 'needs_reauth') desc, (c.status = 'revoked'), c.created_at desc, c.id`,
    [userId],
  );
  return rows.map((row) => ({
    id: row.id,
    integrationId: row.integration_id,
    domain: row.domain,
    workspaceName: row.workspace_name,
    status: row.status,
    scopes: row.scopes,
    connectedAt: new Date(row.created_at),
    lastRefreshedAt: row.last_refreshed_at === null ? null : new Date(row.last_refreshed_at),
    reconnectable: row.grant_type === "authorization_code" && row.member,
  }));
}
