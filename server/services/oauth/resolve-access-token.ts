import type { EntityManager } from "@mikro-orm/postgresql";
import { hasValidChecksum } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { AccessToken, Application, Grant } from "../../db/entities/index.ts";
import { ACCESS_TOKEN_JWT_TYPE, readAccessTokenClaims } from "../../oauth/access-token-claims.ts";
import type { TokenSigner } from "./token-signer.ts";

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
};

const isJwt = (token: string) => token.split(".").length === 3;

/**
 * Resolves an access token to its live state, or null. Both formats are checked against the database, so deleting
 * or disabling an app, revoking a grant or a token cuts every token off at once, JWTs included.
 */
export async function resolveAccessToken(
  em: EntityManager,
  signer: TokenSigner,
  token: string,
  now: Date,
): Promise<ActiveAccessToken | null> {
  let row: AccessToken | null;
  let jwtClientId: string | undefined;
  if (isJwt(token)) {
    const payload = await signer.verify(token, ACCESS_TOKEN_JWT_TYPE).catch(() => null);
    if (!payload) return null;
    const claims = (() => {
      try {
        return readAccessTokenClaims(payload);
      } catch {
        return null;
      }
    })();
    if (!claims) return null;
    jwtClientId = claims.clientId;
    row = await em.findOne(AccessToken, { id: claims.jti });
    if (!row) {
      // client_credentials JWTs have no row: their state is the app's.
      const app = await em.findOne(Application, { clientId: claims.clientId });
      if (!app?.isActive || claims.sub !== claims.clientId) return null;
      return {
        jti: claims.jti,
        format: "jwt",
        applicationId: app.id,
        clientId: app.clientId,
        organizationId: app.organization.id,
        userId: null,
        grantId: null,
        grantOrganizationId: null,
        scopes: claims.scopes,
        issuedAt: new Date(claims.iat * 1000),
        expiresAt: new Date(claims.exp * 1000),
      };
    }
  } else {
    if (!token.startsWith("latch_at_") || !hasValidChecksum(token)) return null;
    row = await em.findOne(AccessToken, { tokenHash: hashSecret(token) });
  }
  if (!row || row.revokedAt || row.expiresAt <= now) return null;
  const app = await em.findOne(Application, { id: row.application.id });
  if (!app?.isActive || (jwtClientId !== undefined && jwtClientId !== app.clientId)) return null;
  const grant = row.grant ? await em.findOne(Grant, { id: row.grant.id }) : null;
  if (row.grant && (!grant || grant.revokedAt)) return null;
  return {
    jti: row.id,
    format: row.format,
    applicationId: app.id,
    clientId: app.clientId,
    organizationId: app.organization.id,
    userId: row.user?.id ?? null,
    grantId: grant?.id ?? null,
    grantOrganizationId: grant?.organization?.id ?? null,
    scopes: row.scopes,
    issuedAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}
