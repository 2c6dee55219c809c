import type { EntityManager } from "@mikro-orm/postgresql";
import { hasValidChecksum, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { AccessToken, RefreshToken } from "../../db/entities/index.ts";
import { ACCESS_TOKEN_JWT_TYPE, readAccessTokenClaims } from "../../oauth/access-token-claims.ts";
import type { ClientRecord } from "./client-record.ts";
import { revokeTokenFamily } from "./revoke-token-family.ts";
import type { TokenSigner } from "./token-signer.ts";
import type { TokenStateCache } from "./token-state-cache.ts";

/**
 * Token revocation (RFC 7009 §2.1). Only the client a token was issued to can revoke it; an unknown token, or
 * another client's, is answered like a success so the endpoint reveals nothing (§2.2). Revoking a refresh token
 * revokes its family and the access tokens minted with it.
 */
export async function revokeToken(
  em: EntityManager,
  deps: { readonly signer: TokenSigner; readonly tokenState: TokenStateCache<unknown> },
  input: { client: ClientRecord; token: string },
  now: Date,
): Promise<void> {
  const { token, client } = input;
  if (token.startsWith(SECRET_PREFIXES.refreshToken) && hasValidChecksum(token)) {
    const row = await em.findOne(RefreshToken, { tokenHash: hashSecret(token), application: client.id });
    if (row) await em.transactional((tx) => revokeTokenFamily(tx, row.familyId, "revoked_by_client", now));
    return;
  }
  if (token.startsWith(SECRET_PREFIXES.accessToken) && hasValidChecksum(token)) {
    await em.nativeUpdate(
      AccessToken,
      { tokenHash: hashSecret(token), application: client.id, revokedAt: null },
      { revokedAt: now },
    );
    // A bulk update: the ORM's commit events that clear the token-state cache do not see it.
    deps.tokenState.clear();
    return;
  }
  if (token.split(".").length !== 3) return;
  const payload = await deps.signer.verify(token, ACCESS_TOKEN_JWT_TYPE, now).catch(() => null);
  if (!payload) return;
  const claims = readAccessTokenClaims(payload);
  if (claims.clientId !== client.clientId) return;
  // A client_credentials JWT has no row yet: insert a revoked one so introspection sees the revocation.
  await em.execute(
    `insert into access_tokens (id, format, application_id, scopes, created_at, expires_at, revoked_at)
     values (?, 'jwt', ?, ?, ?, ?, ?)
     on conflict (id) do update set revoked_at = coalesce(access_tokens.revoked_at, excluded.revoked_at)`,
    [
      claims.jti,
      client.id,
      `{${claims.scopes.map((s) => `"${s}"`).join(",")}}`,
      new Date(claims.iat * 1000),
      new Date(claims.exp * 1000),
      now,
    ],
  );
  deps.tokenState.clear();
}
