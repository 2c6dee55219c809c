import type pg from "pg";
import { hasValidChecksum, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { query, type Statement } from "../../db/native-pool.ts";
import { type IntrospectedToken, mayIntrospect } from "../../oauth/introspection.ts";
import { grantRevokedSql } from "../grants/grant-revoked-sql.ts";
import type { ClientRecord } from "./client-record.ts";
import { type AccessTokenDeps, resolveAccessToken } from "./resolve-access-token.ts";

type RefreshRow = {
  scopes: string[];
  user_id: string | null;
  grant_id: string | null;
  created_at: number;
  expires_at: number | null;
  inactive: boolean;
  client_id: string;
  organization_id: string;
  is_active: boolean;
  grant_found: boolean;
  grant_revoked: boolean;
  grant_organization_id: string | null;
  email: string | null;
};

/** A refresh token with its app, grant and user's email, in one statement. */
const REFRESH_BY_HASH: Statement = {
  name: "latch_introspect_refresh_token",
  text: `select r.scopes, r.user_id, r.grant_id,
      (extract(epoch from r.created_at) * 1000)::float8 as created_at,
      (extract(epoch from r.expires_at) * 1000)::float8 as expires_at,
      (r.revoked_at is not null or r.rotated_at is not null) as inactive,
      a.client_id, a.organization_id, a.is_active,
      g.id is not null as grant_found, ${grantRevokedSql("g", "a")} as grant_revoked,
      g.organization_id as grant_organization_id, u.email
    from refresh_tokens r
    join applications a on a.id = r.application_id
    left join grants g on g.id = r.grant_id
    left join users u on u.id = r.user_id
    where r.token_hash = $1`,
};

async function introspectRefreshToken(
  pool: pg.Pool,
  token: string,
  now: Date,
): Promise<(Omit<IntrospectedToken, "issuer"> & { organizationId: string }) | null> {
  if (!hasValidChecksum(token)) return null;
  const [row] = await query<RefreshRow>(pool, REFRESH_BY_HASH, [hashSecret(token)]);
  if (!row || row.inactive || (row.expires_at !== null && row.expires_at <= now.getTime())) return null;
  if (!row.is_active) return null;
  if (row.grant_id && (!row.grant_found || row.grant_revoked)) return null;
  return {
    active: true,
    organizationId: row.organization_id,
    scopes: row.scopes,
    clientId: row.client_id,
    subject: row.user_id ?? undefined,
    username: row.email ?? undefined,
    tokenType: "refresh_token",
    exp: row.expires_at !== null ? Math.floor(row.expires_at / 1000) : undefined,
    iat: Math.floor(row.created_at / 1000),
    workspaceId: row.grant_organization_id ?? undefined,
  };
}

/**
 * Token introspection (RFC 7662 §2). An app may introspect its own tokens, and a resource server those of every app
 * of its organization (`mayIntrospect`, §4); anything else, like anything revoked, expired or of a disabled app, is
 * reported as merely inactive. One statement
 * per token: the token with its app, grant and user.
 */
export async function introspectToken(
  deps: AccessTokenDeps,
  input: { caller: ClientRecord; token: string; issuer: string },
  now: Date,
): Promise<IntrospectedToken | null> {
  const token = input.token;
  if (token.startsWith(SECRET_PREFIXES.refreshToken)) {
    const found = await introspectRefreshToken(deps.pool, token, now);
    if (!found || !mayIntrospect(input.caller, found)) return null;
    const { organizationId: _, ...rest } = found;
    return { ...rest, issuer: input.issuer };
  }
  const access = await resolveAccessToken(deps, token, now);
  if (!access || !mayIntrospect(input.caller, access)) return null;
  return {
    active: true,
    scopes: access.scopes,
    clientId: access.clientId,
    subject: access.userId ?? access.clientId,
    username: access.user?.email,
    tokenType: "access_token",
    exp: Math.floor(access.expiresAt.getTime() / 1000),
    iat: Math.floor(access.issuedAt.getTime() / 1000),
    issuer: input.issuer,
    audience: input.issuer,
    jti: access.jti,
    workspaceId: access.grantOrganizationId ?? undefined,
  };
}
