import type { EntityManager } from "@mikro-orm/postgresql";
import { hasValidChecksum } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { Application, Grant, RefreshToken, User } from "../../db/entities/index.ts";
import type { IntrospectedToken } from "../../oauth/introspection.ts";
import type { ClientRecord } from "./client-record.ts";
import { resolveAccessToken } from "./resolve-access-token.ts";
import type { TokenSigner } from "./token-signer.ts";

async function introspectRefreshToken(
  em: EntityManager,
  token: string,
  now: Date,
): Promise<(Omit<IntrospectedToken, "issuer"> & { organizationId: string }) | null> {
  if (!hasValidChecksum(token)) return null;
  const row = await em.findOne(RefreshToken, { tokenHash: hashSecret(token) });
  if (!row || row.revokedAt || row.rotatedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  const app = await em.findOne(Application, { id: row.application.id });
  if (!app?.isActive) return null;
  const grant = row.grant ? await em.findOne(Grant, { id: row.grant.id }) : null;
  if (row.grant && (!grant || grant.revokedAt)) return null;
  return {
    active: true,
    organizationId: app.organization.id,
    scopes: row.scopes,
    clientId: app.clientId,
    subject: row.user?.id,
    tokenType: "refresh_token",
    exp: row.expiresAt ? Math.floor(row.expiresAt.getTime() / 1000) : undefined,
    iat: Math.floor(row.createdAt.getTime() / 1000),
  };
}

/**
 * Token introspection (RFC 7662 §2). A resource server may introspect the tokens of its own organization's apps;
 * anything else, like anything revoked, expired or of a disabled app, is reported as merely inactive.
 */
export async function introspectToken(
  em: EntityManager,
  signer: TokenSigner,
  input: { caller: ClientRecord; token: string; issuer: string },
  now: Date,
): Promise<IntrospectedToken | null> {
  const token = input.token;
  if (token.startsWith("latch_rt_")) {
    const found = await introspectRefreshToken(em, token, now);
    if (!found || found.organizationId !== input.caller.organizationId) return null;
    const { organizationId: _, ...rest } = found;
    const user = rest.subject ? await em.findOne(User, { id: rest.subject }) : null;
    return { ...rest, username: user?.email, issuer: input.issuer };
  }
  const access = await resolveAccessToken(em, signer, token, now);
  if (!access || access.organizationId !== input.caller.organizationId) return null;
  const user = access.userId ? await em.findOne(User, { id: access.userId }) : null;
  return {
    active: true,
    scopes: access.scopes,
    clientId: access.clientId,
    subject: access.userId ?? access.clientId,
    username: user?.email,
    tokenType: "access_token",
    exp: Math.floor(access.expiresAt.getTime() / 1000),
    iat: Math.floor(access.issuedAt.getTime() / 1000),
    issuer: input.issuer,
    audience: input.issuer,
    jti: access.jti,
  };
}
