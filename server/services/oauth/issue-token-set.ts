import { randomUUID } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { mintSecret, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { AccessToken, Application, Grant, RefreshToken, User } from "../../db/entities/index.ts";
import { ACCESS_TOKEN_JWT_TYPE, buildAccessTokenClaims } from "../../oauth/access-token-claims.ts";
import { type EmailOfUser, emailClaims } from "../../oauth/email-claims.ts";
import { buildIdTokenClaims } from "../../oauth/id-token-claims.ts";
import type { ClientRecord } from "./client-record.ts";
import type { TokenSigner } from "./token-signer.ts";

export const ID_TOKEN_TTL_SECONDS = 3600;

/** The user a token set is for; its address, when read with the spent row, goes into the ID token by scope. */
export type TokenUser = { readonly id: string; readonly email?: EmailOfUser | undefined };

export type IssueTokenSetInput = {
  readonly client: ClientRecord;
  readonly user: TokenUser | null;
  readonly grantId: string | null;
  /** The workspace the user authorized the grant for (its organization), carried in JWTs as `workspace_id`. */
  readonly workspaceId: string | null;
  readonly scopes: readonly string[];
  /** Set to mint a refresh token in this family (a new family starts with a fresh uuid). */
  readonly refresh: {
    readonly familyId: string;
    readonly parentId: string | null;
    /** A rotated refresh token keeps the scope of the one presented, even when the access token narrows it (RFC 6749 §6). */
    readonly scopes?: readonly string[];
    /** The refresh token to answer, when it is not a fresh random one (a rotation's derived successor). */
    readonly token?: string;
  } | null;
  readonly authorizationCodeId: string | null;
  /** Set when `openid` was granted through a user flow. */
  readonly idToken: {
    readonly nonce: string | null;
    readonly authTime: Date;
    /** RFC 8176 values, from the session that signed in (null: none recorded). */
    readonly amr?: readonly string[] | null;
  } | null;
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
 * What a token response will hold that does not depend on the grant behind it: ids, the opaque secrets and the
 * expiries. The hot grants plan first, write the rows in one statement that reads the grant's user and scope from
 * the row it spends, and sign afterwards (see {@link signTokenSet}).
 */
export type TokenSetPlan = {
  readonly now: Date;
  readonly jti: string;
  readonly accessExpiresAt: Date;
  /** The opaque access token (a JWT is signed once its claims are known). */
  readonly opaqueAccessToken: string | undefined;
  readonly refresh: {
    readonly id: string;
    readonly token: string;
    /** A new family, or null for "the presented token's family" (filled in by the statement that rotates it). */
    readonly familyId: string | null;
    readonly expiresAt: Date;
  } | null;
};

/** Plans a token set for `client`, with a refresh token when `refresh` is set (`token`, or a fresh random one). */
export function planTokenSet(
  client: ClientRecord,
  refresh: { familyId: string | null; token?: string | undefined } | null,
  now: Date,
): TokenSetPlan {
  return {
    now,
    jti: randomUUID(),
    accessExpiresAt: new Date(now.getTime() + client.accessTokenTtl * 1000),
    opaqueAccessToken: client.accessTokenFormat === "opaque" ? mintSecret(SECRET_PREFIXES.accessToken) : undefined,
    refresh: refresh
      ? {
          id: randomUUID(),
          token: refresh.token ?? mintSecret(SECRET_PREFIXES.refreshToken),
          familyId: refresh.familyId,
          expiresAt: new Date(now.getTime() + client.refreshTokenTtl * 1000),
        }
      : null,
  };
}

/** Who and what a planned token set is for, once known: the columns a spent code or refresh token supplies. */
export type TokenSubject = {
  readonly user: TokenUser | null;
  readonly workspaceId: string | null;
  readonly scopes: readonly string[];
  readonly idToken: IssueTokenSetInput["idToken"];
};

/**
 * Signs what a plan leaves to sign: the JWT access token (when the client uses them) and the ID token (when `openid`
 * was granted through a user flow), and answers the token response.
 */
export async function signTokenSet(
  deps: IssuerDeps,
  client: ClientRecord,
  plan: TokenSetPlan,
  subject: TokenSubject,
): Promise<TokenSet> {
  const { user, scopes } = subject;
  const accessToken =
    plan.opaqueAccessToken ??
    (await deps.signer.sign(
      buildAccessTokenClaims({
        issuer: deps.issuer,
        subject: user?.id ?? client.clientId,
        audience: deps.issuer,
        clientId: client.clientId,
        scopes,
        jti: plan.jti,
        now: plan.now,
        ttlSeconds: client.accessTokenTtl,
        authTime: subject.idToken?.authTime,
        extra: subject.workspaceId ? { workspace_id: subject.workspaceId } : undefined,
      }),
      ACCESS_TOKEN_JWT_TYPE,
    ));
  let idToken: string | undefined;
  if (subject.idToken && user && scopes.includes("openid")) {
    const claims = buildIdTokenClaims({
      issuer: deps.issuer,
      subject: user.id,
      clientId: client.clientId,
      nonce: subject.idToken.nonce ?? undefined,
      authTime: subject.idToken.authTime,
      amr: subject.idToken.amr ?? undefined,
      now: plan.now,
      ttlSeconds: ID_TOKEN_TTL_SECONDS,
      accessToken,
      claims: user.email ? emailClaims(user.email, scopes) : undefined,
    });
    idToken = await deps.signer.sign(claims, "JWT");
  }
  return {
    accessToken,
    expiresIn: client.accessTokenTtl,
    refreshToken: plan.refresh?.token,
    idToken,
    scopes,
    accessTokenId: plan.jti,
  };
}

/**
 * Whether a token set gets an access token row: opaque tokens are only their row; user JWTs get one by jti so a
 * replayed code or a revoked grant can cut them off; a client_credentials JWT gets none: nothing but the app's own
 * state can revoke it, and that is checked live.
 */
export const storesAccessRow = (client: ClientRecord, user: TokenUser | null): boolean =>
  client.accessTokenFormat === "opaque" || user !== null;

/** {@link storesAccessRow} in SQL, for the statements that learn the user from the row they spend. */
export const storesAccessRowSql = (format: string, userId: string): string =>
  `(${format} = 'opaque' or ${userId} is not null)`;

/**
 * Mints the access token (RFC 9068 JWT or opaque, per the client), the refresh token and the ID token of one token
 * response, and describes the rows to store. Only hashes of opaque secrets are stored.
 */
export async function mintTokenSet(
  deps: IssuerDeps,
  input: IssueTokenSetInput,
  now: Date,
): Promise<{ set: TokenSet; rows: TokenRows }> {
  const plan = planTokenSetFor(input, now);
  const set = await signTokenSet(deps, input.client, plan, {
    user: input.user,
    workspaceId: input.workspaceId,
    scopes: input.scopes,
    idToken: input.idToken,
  });
  return { set, rows: tokenRowsOf(input, plan) };
}

/** Plans the token set `input` describes (see {@link planTokenSet}). */
export const planTokenSetFor = (input: IssueTokenSetInput, now: Date): TokenSetPlan =>
  planTokenSet(
    input.client,
    input.refresh ? { familyId: input.refresh.familyId, token: input.refresh.token } : null,
    now,
  );

/**
 * The rows to store for a planned token set, nothing signed yet: a caller holding row locks writes them and signs
 * after its commit ({@link signTokenSet}), so no signature (nor the signer's key load, which needs a connection of
 * the pool the lock's waiters may all hold) happens under the lock.
 */
export function tokenRowsOf(input: IssueTokenSetInput, plan: TokenSetPlan): TokenRows {
  const { client, user } = input;
  const now = plan.now;
  const access = storesAccessRow(client, user)
    ? {
        id: plan.jti,
        tokenHash: plan.opaqueAccessToken === undefined ? null : hashSecret(plan.opaqueAccessToken),
        format: client.accessTokenFormat,
        applicationId: client.id,
        userId: user?.id ?? null,
        grantId: input.grantId,
        refreshFamilyId: input.refresh?.familyId ?? null,
        authorizationCodeId: input.authorizationCodeId,
        scopes: [...input.scopes],
        createdAt: now,
        expiresAt: plan.accessExpiresAt,
      }
    : null;
  const refresh =
    input.refresh && plan.refresh
      ? {
          id: plan.refresh.id,
          tokenHash: hashSecret(plan.refresh.token),
          applicationId: client.id,
          userId: user?.id ?? null,
          grantId: input.grantId,
          familyId: input.refresh.familyId,
          parentId: input.refresh.parentId,
          authorizationCodeId: input.authorizationCodeId,
          scopes: [...(input.refresh.scopes ?? input.scopes)],
          createdAt: now,
          expiresAt: plan.refresh.expiresAt,
        }
      : null;
  return { access, refresh };
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
