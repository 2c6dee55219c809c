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

/** The rows a token set needs, as plain data: what the SQL writers (or the ORM, for the password grant) insert. */
export type TokenRows = {
  readonly access: {
    readonly id: string;
    readonly tokenHash: string | null;
    readonly format: "jwt" | "opaque";
    readonly applicationId: string;
    readonly userId: string | null;
    readonly grantId: string | null;
    readonly refreshFamilyId: string | null;
    readonly authorizationCodeId: string | null;
    readonly scopes: string[];
    readonly createdAt: Date;
    readonly expiresAt: Date;
  } | null;
  readonly refresh: {
    readonly id: string;
    readonly tokenHash: string;
    readonly applicationId: string;
    readonly userId: string | null;
    readonly grantId: string | null;
    readonly familyId: string;
    readonly parentId: string | null;
    readonly authorizationCodeId: string | null;
    readonly scopes: string[];
    readonly createdAt: Date;
    readonly expiresAt: Date;
  } | null;
};

/**
 * Mints the access token (RFC 9068 JWT or opaque, per the client), the refresh token and the ID token of one token
 * response, and describes the rows to store. Only hashes of opaque secrets are stored; user JWTs get a row by jti so
 * a replayed code or a revoked grant can cut them off; a client_credentials JWT gets none: nothing but the app's
 * own state can revoke it, and that is checked live.
 */
export async function mintTokenSet(
  deps: IssuerDeps,
  input: IssueTokenSetInput,
  now: Date,
): Promise<{ set: TokenSet; rows: TokenRows }> {
  const { client, user } = input;
  const jti = randomUUID();
  const expiresAt = new Date(now.getTime() + client.accessTokenTtl * 1000);
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
  const access =
    client.accessTokenFormat === "opaque" || user
      ? {
          id: jti,
          tokenHash: client.accessTokenFormat === "opaque" ? hashSecret(accessToken) : null,
          format: client.accessTokenFormat,
          applicationId: client.id,
          userId: user?.id ?? null,
          grantId: input.grantId,
          refreshFamilyId: input.refresh?.familyId ?? null,
          authorizationCodeId: input.authorizationCodeId,
          scopes: [...input.scopes],
          createdAt: now,
          expiresAt,
        }
      : null;
  let refreshToken: string | undefined;
  let refresh: TokenRows["refresh"] = null;
  if (input.refresh) {
    refreshToken = mintSecret("latch_rt_");
    refresh = {
      id: randomUUID(),
      tokenHash: hashSecret(refreshToken),
      applicationId: client.id,
      userId: user?.id ?? null,
      grantId: input.grantId,
      familyId: input.refresh.familyId,
      parentId: input.refresh.parentId,
      authorizationCodeId: input.authorizationCodeId,
      scopes: [...(input.refresh.scopes ?? input.scopes)],
      createdAt: now,
      expiresAt: new Date(now.getTime() + client.refreshTokenTtl * 1000),
    };
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
    set: {
      accessToken,
      expiresIn: client.accessTokenTtl,
      refreshToken,
      idToken,
      scopes: input.scopes,
      accessTokenId: jti,
    },
    rows: { access, refresh },
  };
}

/**
 * Mints a token set and adds its rows to the caller's ORM transaction (the password grant's path; the hot grants
 * use {@link mintTokenSet} and the plain SQL of token-rows-sql.ts).
 */
export async function issueTokenSet(
  tx: EntityManager,
  deps: IssuerDeps,
  input: IssueTokenSetInput,
  now: Date,
): Promise<TokenSet> {
  const { set, rows } = await mintTokenSet(deps, input, now);
  if (rows.access) {
    const { applicationId, userId, grantId, ...access } = rows.access;
    tx.create(AccessToken, {
      ...access,
      application: tx.getReference(Application, applicationId),
      user: userId ? tx.getReference(User, userId) : null,
      grant: grantId ? tx.getReference(Grant, grantId) : null,
    });
  }
  if (rows.refresh) {
    const { applicationId, userId, grantId, ...refresh } = rows.refresh;
    tx.create(RefreshToken, {
      ...refresh,
      application: tx.getReference(Application, applicationId),
      user: userId ? tx.getReference(User, userId) : null,
      grant: grantId ? tx.getReference(Grant, grantId) : null,
    });
  }
  return set;
}
