import type { EntityManager } from "@mikro-orm/postgresql";
import type pg from "pg";
import { hasValidChecksum, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import type { BatchedSql } from "../../db/group-batcher.ts";
import { inTransaction, query, type Statement } from "../../db/native-pool.ts";
import { InvalidGrantError, InvalidRequestError, type OAuthError } from "../../oauth/errors.ts";
import { decideRefresh } from "../../oauth/grants/refresh-token.ts";
import { grantRevokedSql } from "../grants/grant-revoked-sql.ts";
import { recordEvent } from "../record-event.ts";
import type { ClientRecord } from "./client-record.ts";
import {
  type IssuerDeps,
  type IssueTokenSetInput,
  planTokenSet,
  planTokenSetFor,
  signTokenSet,
  type TokenSet,
  type TokenSetPlan,
  tokenRowsOf,
} from "./issue-token-set.ts";
import { plannedRows, redeemBatched, spendStatement } from "./redeem-batched.ts";
import { type SuccessorKey, successorRefreshToken } from "./refresh-successor.ts";
import { revokeTokenFamily } from "./revoke-token-family.ts";
import { insertTokenRows } from "./token-rows-sql.ts";

/** What a refresh needs beyond any token issuer: the key its successors are derived with (see refresh-successor.ts). */
export type RefreshDeps = IssuerDeps & SuccessorKey;

export type RefreshInput = {
  readonly client: ClientRecord;
  readonly refreshToken: string | undefined;
  readonly scopes: readonly string[];
};

type RefreshRow = {
  id: string;
  application_id: string;
  user_id: string | null;
  grant_id: string | null;
  family_id: string;
  authorization_code_id: string | null;
  scopes: string[];
  expires_at: number | null;
  rotated_at: number | null;
  revoked_at: number | null;
};

/** The token as the locked path reads it: with its grant's state. */
type LockedRefreshRow = RefreshRow & { grant_found: boolean; grant_revoked: boolean; workspace_id: string | null };

const TOKEN_COLUMNS = `r.id, r.application_id, r.user_id, r.grant_id, r.family_id, r.authorization_code_id,
  r.scopes,
  (extract(epoch from r.expires_at) * 1000)::float8 as expires_at,
  (extract(epoch from r.rotated_at) * 1000)::float8 as rotated_at,
  (extract(epoch from r.revoked_at) * 1000)::float8 as revoked_at`;

/** The presented token, locked, with its grant's state: one statement. */
const LOCK_REFRESH: Statement = {
  name: "latch_lock_refresh_token",
  text: `select ${TOKEN_COLUMNS}, g.id is not null as grant_found, ${grantRevokedSql("g", "ga")} as grant_revoked,
      g.organization_id as workspace_id
    from refresh_tokens r left join grants g on g.id = r.grant_id
      left join applications ga on ga.id = g.application_id
    where r.token_hash = $1
    for update of r`,
};

/**
 * The presented token, if this request may rotate it: the checks of decideRefresh's "rotate" without a narrowed
 * scope, in SQL. A grant's deletion deletes its tokens, so a token's grant_id always names a row.
 */
const ROTATE_REFRESH = spendStatement({
  name: "latch_rotate_refresh_tokens",
  table: "refresh_tokens",
  hashColumn: "token_hash",
  spendable: "t.rotated_at is null and t.revoked_at is null and (t.expires_at is null or t.expires_at > i.at)",
  spentAt: "rotated_at",
  returning: { family_id: "t.family_id", authorization_code_id: "t.authorization_code_id" },
  derived: { familyId: "s.family_id", parentId: "s.id", authorizationCodeId: "s.authorization_code_id" },
});

const ROTATE: Statement = {
  name: "latch_rotate_refresh_token",
  text: "update refresh_tokens set rotated_at = $2 where id = $1",
};

/** The successor a rotation of token $2 stored, by the hash of the one it derives (refresh-successor.ts). */
const SUCCESSOR: Statement = {
  name: "latch_refresh_token_successor",
  text: `select rotated_at is not null as rotated, revoked_at is not null as revoked
    from refresh_tokens where token_hash = $1 and parent_id = $2`,
};

const date = (ms: number | null) => (ms === null ? null : new Date(ms));
const invalid = () => new InvalidGrantError("refresh token is invalid, expired or revoked");

/**
 * The refresh_token grant with rotation (RFC 6749 §6, RFC 9700 §4.14.2). A token has one successor, derived from it
 * (refresh-successor.ts), and the presented token's row is locked, so concurrent refreshes of one token serialize:
 * the first rotates it; the rest, inside the app's reuse interval, are answered with that same successor and a new
 * access token of the family (a retry never forks the family); outside it (by default: always) they are reuse, which
 * revokes the whole family. Plain SQL in one transaction (lock, rotate, insert the new pair), signed after it commits.
 */
export async function refreshTokens(
  em: EntityManager,
  sql: BatchedSql,
  deps: RefreshDeps,
  input: RefreshInput,
  now: Date,
): Promise<TokenSet> {
  // A missing parameter is invalid_request (RFC 6749 §5.2), not invalid_grant.
  if (!input.refreshToken) throw new InvalidRequestError('"refresh_token" parameter is required');
  if (!input.refreshToken.startsWith(SECRET_PREFIXES.refreshToken) || !hasValidChecksum(input.refreshToken))
    throw invalid();
  const tokenHash = hashSecret(input.refreshToken);
  const successor = successorRefreshToken(deps.successorKey, input.refreshToken);
  const pool = sql.pool;
  const fast = await rotateOptimistically(sql, deps, input, tokenHash, successor, now);
  if (fast !== null) return fast;
  const result = await inTransaction(pool, (client) => refreshUnderLock(client, input, tokenHash, successor, now));
  if ("reuse" in result) {
    await revokeReusedFamily(em, input.client, result.reuse, now);
    throw result.error;
  }
  if (result instanceof Error) throw result;
  // Signed after the commit: no signature (nor the signer's occasional key load from the pool) under the row lock.
  return signTokenSet(deps, input.client, result.plan, result.issue);
}

type LockedOutcome =
  | { issue: IssueTokenSetInput; plan: TokenSetPlan }
  | OAuthError
  | { reuse: LockedRefreshRow; error: OAuthError };

/**
 * The locked path: decides with the presented token's row locked, rotates it or finds the successor a retry is
 * answered with, and writes the rows of the answer (the pair, or a retry's new access token alone).
 */
async function refreshUnderLock(
  client: pg.PoolClient,
  input: RefreshInput,
  tokenHash: string,
  successor: string,
  now: Date,
): Promise<LockedOutcome> {
  const [row] = await query<LockedRefreshRow>(client, LOCK_REFRESH, [tokenHash]);
  const decision = decideRefresh({
    token: row
      ? {
          applicationId: row.application_id,
          scopes: row.scopes,
          expiresAt: date(row.expires_at),
          rotatedAt: date(row.rotated_at),
          revokedAt: date(row.revoked_at),
          grantRevoked: Boolean(row.grant_id && (!row.grant_found || row.grant_revoked)),
        }
      : null,
    clientApplicationId: input.client.id,
    requestedScopes: input.scopes,
    reuseIntervalSeconds: input.client.refreshReuseInterval,
    now,
  });
  if (decision.outcome === "reject") return decision.error;
  if (decision.outcome === "reuse_detected") return { reuse: row!, error: decision.error };
  const token = row!;
  const rotate = input.client.refreshTokenRotation;
  const retry = decision.outcome === "grace" && rotate;
  if (retry) {
    const [stored] = await query<{ rotated: boolean; revoked: boolean }>(client, SUCCESSOR, [
      hashSecret(successor),
      token.id,
    ]);
    const used = new InvalidGrantError("the refresh token has already been used");
    // Its successor was refreshed already: presenting this one again is a replay after all.
    if (stored?.rotated) return { reuse: token, error: used };
    // None derivable (rotated before successors were derived, or across a master key rotation), or revoked.
    if (!stored || stored.revoked) return used;
  }
  if (decision.outcome === "rotate" && rotate) await query(client, ROTATE, [token.id, now]);
  const issue: IssueTokenSetInput = {
    client: input.client,
    user: token.user_id ? { id: token.user_id } : null,
    grantId: token.grant_found ? token.grant_id : null,
    workspaceId: token.grant_found ? token.workspace_id : null,
    scopes: decision.scopes,
    refresh: rotate ? { familyId: token.family_id, parentId: token.id, scopes: token.scopes, token: successor } : null,
    authorizationCodeId: token.authorization_code_id,
    idToken: null,
  };
  const plan = planTokenSetFor(issue, now);
  const rows = tokenRowsOf(issue, plan);
  // A retry answers the stored successor: only its new access token (bound to the family) is written.
  await insertTokenRows(client, retry ? { access: rows.access, refresh: null } : rows);
  return { issue, plan };
}

/**
 * The common case, a token presented for the first time with no narrower scope, in one statement and no transaction
 * block, shared with the other refreshes in flight: rotate it if every check passes, store the new pair, and read back
 * the user and scope to sign with. Null for anything else (a rejection, a narrowed scope, the reuse interval, reuse,
 * no rotation, or a concurrent refresh that holds it): the locked transaction then decides under the row lock.
 */
async function rotateOptimistically(
  sql: BatchedSql,
  deps: IssuerDeps,
  input: RefreshInput,
  tokenHash: string,
  successor: string,
  now: Date,
): Promise<TokenSet | null> {
  const { client } = input;
  // A narrowed scope is checked by scope expansion rules the SQL does not repeat (rare; the locked path decides it).
  if (!client.refreshTokenRotation || input.scopes.length > 0) return null;
  const plan = planTokenSet(client, { familyId: null, token: successor }, now);
  const token = await redeemBatched(sql, ROTATE_REFRESH, {
    hash: tokenHash,
    app: client.id,
    at: now.toISOString(),
    ...plannedRows(client, plan),
  });
  if (!token) return null;
  return signTokenSet(deps, client, plan, {
    user: token.user_id ? { id: token.user_id } : null,
    workspaceId: token.workspace_id,
    scopes: token.scopes,
    idToken: null,
  });
}

/** Reuse detected: revokes the family and records the event (RFC 9700 §4.14.2), in one ORM transaction. */
async function revokeReusedFamily(em: EntityManager, client: ClientRecord, row: RefreshRow, now: Date): Promise<void> {
  await em.transactional(async (tx) => {
    await revokeTokenFamily(tx, row.family_id, "reuse_detected", now);
    recordEvent(
      tx,
      {
        type: "token.refresh_reuse_detected",
        organizationId: client.organizationId,
        applicationId: client.id,
        subjectType: "refresh_token_family",
        subjectId: row.family_id,
        actor: { type: "client", id: client.clientId },
        payload: { userId: row.user_id, grantId: row.grant_id },
      },
      now,
    );
  });
}
