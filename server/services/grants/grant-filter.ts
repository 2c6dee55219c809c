import { type FilterQuery, raw } from "@mikro-orm/postgresql";
import type { Grant, User } from "../../db/entities/index.ts";
import { isUuid } from "../../uuid.ts";
import { normalizeEmail } from "../sessions/login-with-password.ts";
import { coveredByApplicationRevocationSql } from "./grant-revoked-sql.ts";

/** Matches no row: an id that cannot exist filters everything out instead of failing the query. */
const NOTHING = { $in: [] as string[] };

export type GrantFilter = {
  /** A row id of an application; only grants of the organization's apps are ever matched. */
  readonly applicationId?: string | null;
  /** A user's row id, or their email address (case-insensitive). */
  readonly user?: string | null;
  /** The workspace (organization row id) the consent was given for. */
  readonly workspaceId?: string | null;
  /** Grants whose scopes include this one, as stored (no expansion of `all`). */
  readonly scope?: string | null;
  /** true: not revoked; false: revoked (also by an app-wide revocation whose rows the worker is still marking). */
  readonly active?: boolean | null;
};

/** A user named by row id or by email (case-insensitive), as a condition on users. */
export function userCondition(user: string): FilterQuery<User> {
  if (user.includes("@")) return { emailNormalized: normalizeEmail(user) };
  return { id: isUuid(user) ? user : NOTHING };
}

/**
 * The condition for listing grants of one organization's apps. The organization is always part of it: whatever the
 * filter says, a grant of another organization's app never matches.
 */
export function grantWhere(organizationId: string, filter: GrantFilter = {}): FilterQuery<Grant> {
  const where: Record<string, unknown> = {
    application:
      filter.applicationId == null
        ? { organization: organizationId }
        : { id: isUuid(filter.applicationId) ? filter.applicationId : NOTHING, organization: organizationId },
  };
  if (filter.user != null) where.user = userCondition(filter.user);
  if (filter.workspaceId != null) where.organization = isUuid(filter.workspaceId) ? filter.workspaceId : NOTHING;
  if (filter.scope != null) where.scopes = { $contains: [filter.scope] };
  if (filter.active != null) Object.assign(where, filter.active ? standingGrant() : revokedGrant());
  return where as FilterQuery<Grant>;
}

/** Grants not revoked, by their row or by their app (a new fragment per query: MikroORM caches a key by its text). */
export function standingGrant(): FilterQuery<Grant> {
  return { revokedAt: null, [raw((g) => `not ${coveredByApplicationRevocationSql(g)}`)]: [] } as FilterQuery<Grant>;
}

function revokedGrant(): FilterQuery<Grant> {
  return {
    $or: [{ revokedAt: { $ne: null } }, { [raw((g) => coveredByApplicationRevocationSql(g))]: [] }],
  } as FilterQuery<Grant>;
}
