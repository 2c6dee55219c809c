import { randomUUID } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { mintSecret } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { AccessToken, Application, Grant, RefreshToken, User } from "../../db/entities/index.ts";
import { ACCESS_TOKEN_JWT_TYPE, buildAccessTokenClaims } from "../../oauth/access-token-claims.ts";
import { buildIdTokenClaims } from "../../oauth/id-token-claims.ts";
import type { ClientRecord } from "./client-record.ts";
import type { TokenSigner } from "./token-signer.ts";

export const ID_TOKEN_TTL_SECONDS = 3600;

export type TokenUser = { readonly id: string };

export type IssueTokenSetInput = {
  readonly client: ClientRecord;
  readonly user: TokenUser | null;
  readonly grantId: string | null;
  readonly scopes: readonly string[];
  /** Set to mint a refresh token in this family (a new family starts with a fresh uuid). */
  readonly refresh: {
    readonly familyId: string;
    readonly parentId: string | null;
    /** A rotated refresh token keeps the scope of the one presented, even when the access token narrows it (RFC 6749 §6). */
    readonly scopes?: readonly string[];
  } | null;
  readonly authorizationCodeId: string | null;
  /** Set when `openid` was granted through a user flow. */
  readonly idToken: { readonly nonce: string | null; readonly authTime: Date } | null;
};

export type TokenSet = {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
  readonly scopes: readonly string[];
  readonly accessTokenId: string;
};

export type IssuerDeps = { readonly signer: TokenSigner; readonly issuer: string };

/**
 * Mints the access token (RFC 9068 JWT or opaque, per the client), the refresh token and the ID token of one
 * token response, adding their rows to the caller's transaction. Only hashes of opaque secrets are stored; user
 * JWTs get a row by jti so a replayed code or a revoked grant can cut them off.
 */
export async function issueTokenSet(
  tx: EntityManager,
  deps: IssuerDeps,
  input: IssueTokenSetInput,
  now: Date,
): Promise<TokenSet> {
  const { client, user } = input;
  const jti = randomUUID();
  const expiresAt = new Date(now.getTime() + client.accessTokenTtl * 1000);
  const common = {
    application: tx.getReference(Application, client.id),
    user: user ? tx.getReference(User, user.id) : null,
    grant: input.grantId ? tx.getReference(Grant, input.grantId) : null,
    scopes: [...input.scopes],
    createdAt: now,
  };
  let accessToken: string;
  if (client.accessTokenFormat === "jwt") {
    const claims = buildAccessTokenClaims({
      issuer: deps.issuer,
      subject: user?.id ?? client.clientId,
      audience: deps.issuer,
      clientId: client.clientId,
      scopes: input.scopes,
      jti,
      now,
      ttlSeconds: client.accessTokenTtl,
      authTime: input.idToken?.authTime,
    });
    accessToken = await deps.signer.sign(claims, ACCESS_TOKEN_JWT_TYPE);
  } else {
    accessToken = mintSecret("latch_at_");
  }
  // A client_credentials JWT needs no row: nothing but the app's own state can revoke it, and that is checked live.
  if (client.accessTokenFormat === "opaque" || user) {
    tx.create(AccessToken, {
      ...common,
      id: jti,
      format: client.accessTokenFormat,
      tokenHash: client.accessTokenFormat === "opaque" ? hashSecret(accessToken) : null,
      refreshFamilyId: input.refresh?.familyId ?? null,
      authorizationCodeId: input.authorizationCodeId,
      expiresAt,
    });
  }
  let refreshToken: string | undefined;
  if (input.refresh) {
    refreshToken = mintSecret("latch_rt_");
    tx.create(RefreshToken, {
      ...common,
      scopes: [...(input.refresh.scopes ?? input.scopes)],
      tokenHash: hashSecret(refreshToken),
      familyId: input.refresh.familyId,
      parentId: input.refresh.parentId,
      authorizationCodeId: input.authorizationCodeId,
      expiresAt: new Date(now.getTime() + client.refreshTokenTtl * 1000),
    });
  }
  let idToken: string | undefined;
  if (input.idToken && user && input.scopes.includes("openid")) {
    const claims = buildIdTokenClaims({
      issuer: deps.issuer,
      subject: user.id,
      clientId: client.clientId,
      nonce: input.idToken.nonce ?? undefined,
      authTime: input.idToken.authTime,
      now,
      ttlSeconds: ID_TOKEN_TTL_SECONDS,
      accessToken,
    });
    idToken = await deps.signer.sign(claims, "JWT");
  }
  return {
    accessToken,
    expiresIn: client.accessTokenTtl,
    refreshToken,
    idToken,
    scopes: input.scopes,
    accessTokenId: jti,
  };
}
