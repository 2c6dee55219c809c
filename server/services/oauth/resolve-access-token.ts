import type pg from "pg";
import { hasValidChecksum, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { query, type Statement } from "../../db/native-pool.ts";
import { ACCESS_TOKEN_JWT_TYPE, readAccessTokenClaims } from "../../oauth/access-token-claims.ts";
import { isUuid } from "../../uuid.ts";
import { grantRevokedSql } from "../grants/grant-revoked-sql.ts";
import type { UserProfile } from "../users/read-user-profile.ts";
import type { TokenSigner } from "./token-signer.ts";
import type { TokenStateCache } from "./token-state-cache.ts";

/** What resolving an access token runs on (the runtime's): the signer, the ORM's pool and the token-state cache. */
export type AccessTokenDeps = {
  readonly signer: TokenSigner;
  readonly pool: pg.Pool;
  readonly tokenState: TokenStateCache<unknown>;
};

/** A live access token, as plain data: what userinfo, /users/@me and introspection act on. */
export type ActiveAccessToken = {
  readonly jti: string;
  readonly format: "jwt" | "opaque";
  readonly applicationId: string;
  readonly clientId: string;
  readonly organizationId: string;
  readonly userId: string | null;
  readonly grantId: string | null;
  readonly grantOrganizationId: string | null;
  readonly scopes: readonly string[];
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** The token's user, read with the token (one statement), or null when it has none or it is gone. */
  readonly user?: UserProfile | null;
};

type TokenRow = {
  id: string;
  format: "jwt" | "opaque";
  user_id: string | null;
  grant_id: string | null;
  scopes: string[];
  created_at: number;
  expires_at: number;
  revoked: boolean;
  application_id: string;
  client_id: string;
  organization_id: string;
  is_active: boolean;
  grant_found: boolean;
  grant_revoked: boolean;
  grant_organization_id: string | null;
  user_found: boolean;
  email: string | null;
  email_verified: boolean | null;
  display_name: string | null;
  avatar_url: string | null;
};

/** A token with its app, grant and user in one statement, by jti (JWT) or by hash (opaque). */
const TOKEN_SELECT = `select t.id, t.format, t.user_id, t.grant_id, t.scopes,
    (extract(epoch from t.created_at) * 1000)::float8 as created_at,
    (extract(epoch from t.expires_at) * 1000)::float8 as expires_at,
    (t.revoked_at is not null or coalesce(t.created_at < a.tokens_revoked_before, false)) as revoked,
    a.id as application_id, a.client_id, a.organization_id, a.is_active,
    g.id is not null as grant_found, ${grantRevokedSql("g", "a")} as grant_revoked, g.organization_id as grant_organization_id,
    u.id is not null as user_found, u.email, u.email_verified, u.display_name, u.avatar_url
  from access_tokens t
  join applications a on a.id = t.application_id
  left join grants g on g.id = t.grant_id
  left join users u on u.id = t.user_id`;

const TOKEN_BY_ID: Statement = { name: "latch_access_token_by_id", text: `${TOKEN_SELECT} where t.id = $1` };
const TOKEN_BY_HASH: Statement = {
  name: "latch_access_token_by_hash",
  text: `${TOKEN_SELECT} where t.token_hash = $1`,
};
const APP_BY_CLIENT_ID: Statement = {
  name: "latch_application_state_by_client_id",
  text: `select id, client_id, organization_id, is_active,
      (extract(epoch from tokens_revoked_before) * 1000)::float8 as tokens_revoked_before
    from applications where client_id = $1`,
};

/** Not revoked, its app active, its grant (if any) there and not revoked: all but expiry, which is checked per use. */
const isLive = (row: TokenRow) =>
  !row.revoked && row.is_active && !(row.grant_id && (!row.grant_found || row.grant_revoked));

/** A token's row by jti or hash, from the token-state cache when it holds it; a live row read here is cached. */
async function readTokenRow(
  pool: pg.Pool,
  cache: TokenStateCache<TokenRow>,
  statement: Statement,
  key: string,
): Promise<TokenRow | undefined> {
  const cacheKey = `${statement.name}:${key}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const generation = cache.generation;
  const [row] = await query<TokenRow>(pool, statement, [key]);
  if (row && isLive(row)) cache.put(cacheKey, row, generation);
  return row;
}

const isJwt = (token: string) => token.split(".").length === 3;

/**
 * Resolves an access token to its live state, or null. Both formats are checked against the database (or its
 * token-state cache, which every such change clears), so deleting or disabling an app, revoking a grant or a token
 * cuts every token off at once, JWTs included.
 */
export async function resolveAccessToken(
  deps: AccessTokenDeps,
  token: string,
  now: Date,
): Promise<ActiveAccessToken | null> {
  const { signer, pool } = deps;
  // The cache holds only the rows read here.
  const cache = deps.tokenState as TokenStateCache<TokenRow>;
  let row: TokenRow | undefined;
  let jwtClientId: string | undefined;
  if (isJwt(token)) {
    const payload = await signer.verify(token, ACCESS_TOKEN_JWT_TYPE, now).catch(() => null);
    if (!payload) return null;
    const claims = (() => {
      try {
        return readAccessTokenClaims(payload);
      } catch {
        return null;
      }
    })();
    if (!claims || !isUuid(claims.jti)) return null;
    jwtClientId = claims.clientId;
    row = await readTokenRow(pool, cache, TOKEN_BY_ID, claims.jti);
    if (!row) {
      // client_credentials JWTs have no row: their state is the app's.
      if (claims.sub !== claims.clientId || claims.clientId.includes("\0")) return null;
      const [app] = await query<{
        id: string;
        client_id: string;
        organization_id: string;
        is_active: boolean;
        tokens_revoked_before: number | null;
      }>(pool, APP_BY_CLIENT_ID, [claims.clientId]);
      if (!app?.is_active) return null;
      // Issued before the app was last disabled. iat has whole seconds: one of the disable's own second counts as
      // before it (never wrongly live; at worst a token issued within a second of re-enabling is refused).
      if (app.tokens_revoked_before !== null && claims.iat * 1000 < app.tokens_revoked_before) return null;
      return {
        jti: claims.jti,
        format: "jwt",
        applicationId: app.id,
        clientId: app.client_id,
        organizationId: app.organization_id,
        userId: null,
        grantId: null,
        grantOrganizationId: null,
        scopes: claims.scopes,
        issuedAt: new Date(claims.iat * 1000),
        expiresAt: new Date(claims.exp * 1000),
        user: null,
      };
    }
  } else {
    if (!token.startsWith(SECRET_PREFIXES.accessToken) || !hasValidChecksum(token)) return null;
    row = await readTokenRow(pool, cache, TOKEN_BY_HASH, hashSecret(token));
  }
  if (!row || !isLive(row) || row.expires_at <= now.getTime()) return null;
  if (jwtClientId !== undefined && jwtClientId !== row.client_id) return null;
  return {
    jti: row.id,
    format: row.format,
    applicationId: row.application_id,
    clientId: row.client_id,
    organizationId: row.organization_id,
    userId: row.user_id,
    grantId: row.grant_found ? row.grant_id : null,
    grantOrganizationId: row.grant_organization_id,
    scopes: row.scopes,
    issuedAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    user: row.user_found
      ? {
          id: row.user_id!,
          email: row.email!,
          emailVerified: row.email_verified!,
          displayName: row.display_name!,
          avatarUrl: row.avatar_url,
        }
      : null,
  };
}
