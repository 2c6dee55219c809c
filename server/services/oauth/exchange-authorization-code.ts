import { randomUUID } from "node:crypto";
import { type EntityManager, LockMode } from "@mikro-orm/postgresql";
import type pg from "pg";
import { hasValidChecksum, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { Application, AuthorizationCode } from "../../db/entities/index.ts";
import type { BatchedSql } from "../../db/group-batcher.ts";
import { inTransaction, query, type Statement } from "../../db/native-pool.ts";
import { InvalidGrantError, InvalidRequestError, type OAuthError } from "../../oauth/errors.ts";
import { decideCodeExchange } from "../../oauth/grants/authorization-code.ts";
import { expectedCodeChallenge } from "../../oauth/pkce.ts";
import { grantRevokedSql } from "../grants/grant-revoked-sql.ts";
import { recordEvent } from "../record-event.ts";
import type { ClientRecord } from "./client-record.ts";
import { type IssuerDeps, mintTokenSet, planTokenSet, signTokenSet, type TokenSet } from "./issue-token-set.ts";
import { plannedRows, redeemBatched, type SpentRow, spendStatement } from "./redeem-batched.ts";
import { revokeTokensOfCode } from "./revoke-token-family.ts";
import { insertTokenRows } from "./token-rows-sql.ts";

export type CodeExchangeInput = {
  readonly client: ClientRecord;
  readonly code: string | undefined;
  readonly redirectUri: string | undefined;
  readonly codeVerifier: string | undefined;
};

type CodeRow = {
  id: string;
  application_id: string;
  user_id: string;
  grant_id: string | null;
  redirect_uri: string | null;
  scopes: string[];
  code_challenge: string | null;
  nonce: string | null;
  auth_time: number;
  amr: string[] | null;
  expires_at: number;
  consumed_at: number | null;
};

/** The code as the locked path reads it: with its grant's state. */
type LockedCodeRow = CodeRow & {
  grant_found: boolean;
  grant_revoked: boolean;
  workspace_id: string | null;
} & CodeUserEmail;

/** The code's user's address as it stands now, for the ID token's email claims. */
type CodeUserEmail = { user_email: string | null; user_email_verified: boolean | null };

const USER_EMAIL = (userId: string) =>
  `(select u.email from users u where u.id = ${userId}) as user_email,
   (select u.email_verified from users u where u.id = ${userId}) as user_email_verified`;

const CODE_COLUMNS = `c.id, c.application_id, c.user_id, c.grant_id, c.redirect_uri, c.scopes, c.code_challenge,
  c.nonce, c.amr,
  (extract(epoch from c.auth_time) * 1000)::float8 as auth_time,
  (extract(epoch from c.expires_at) * 1000)::float8 as expires_at,
  (extract(epoch from c.consumed_at) * 1000)::float8 as consumed_at`;

/** The code, locked, with its grant's state: one statement instead of an entity per table. */
const LOCK_CODE: Statement = {
  name: "latch_lock_authorization_code",
  text: `select ${CODE_COLUMNS}, g.id is not null as grant_found, ${grantRevokedSql("g", "ga")} as grant_revoked,
      g.organization_id as workspace_id, ${USER_EMAIL("c.user_id")}
    from authorization_codes c left join grants g on g.id = c.grant_id
      left join applications ga on ga.id = g.application_id
    where c.code_hash = $1
    for update of c`,
};

/** The code presented, if this request may redeem it: the checks of decideCodeExchange's "issue", in SQL. */
const REDEEM_CODE = spendStatement({
  name: "latch_redeem_codes",
  table: "authorization_codes",
  hashColumn: "code_hash",
  inputColumns: "redirect_uri text, challenge text",
  spendable: `t.consumed_at is null and t.expires_at > i.at
    and (t.redirect_uri is null or t.redirect_uri = i.redirect_uri)
    and t.code_challenge is not distinct from i.challenge`,
  spentAt: "consumed_at",
  returning: {
    nonce: "t.nonce",
    amr: "t.amr",
    auth_time: "(extract(epoch from t.auth_time) * 1000)::float8",
    user_email: "(select u.email from users u where u.id = t.user_id)",
    user_email_verified: "(select u.email_verified from users u where u.id = t.user_id)",
  },
  derived: { familyId: "(s.refresh->>'family_id')::uuid", parentId: "null", authorizationCodeId: "s.id" },
});

type SpentCode = SpentRow &
  CodeUserEmail & { user_id: string; nonce: string | null; amr: string[] | null; auth_time: number };

const tokenUserOf = (code: { user_id: string } & CodeUserEmail) => ({
  id: code.user_id,
  email:
    code.user_email === null ? undefined : { email: code.user_email, emailVerified: code.user_email_verified === true },
});

const CONSUME_CODE: Statement = {
  name: "latch_consume_authorization_code",
  text: "update authorization_codes set consumed_at = $2 where id = $1",
};

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/**
 * The authorization_code grant (RFC 6749 §4.1.3). The code row is locked, so two exchanges of one code serialize:
 * the first wins, the second is a replay that revokes what the first received. The winning path is plain SQL in one
 * transaction (lock, consume, insert the tokens), or, when nothing is in the way, one statement (see
 * exchangeOptimistically); a replay goes through the ORM, rarely and with its audit event.
 */
export async function exchangeAuthorizationCode(
  em: EntityManager,
  sql: BatchedSql,
  deps: IssuerDeps,
  input: CodeExchangeInput,
  now: Date,
): Promise<TokenSet> {
  // A missing parameter is invalid_request (RFC 6749 §5.2), not invalid_grant.
  if (!input.code) throw new InvalidRequestError('"code" parameter is required');
  if (!input.code.startsWith(SECRET_PREFIXES.authorizationCode) || !hasValidChecksum(input.code)) {
    throw new InvalidGrantError("authorization code is invalid, expired or already used");
  }
  const codeHash = hashSecret(input.code);
  const pool = sql.pool;
  const fast = await exchangeOptimistically(sql, deps, input, codeHash, now);
  if (fast !== null) return fast;
  const result = await inTransaction(
    pool,
    async (client: pg.PoolClient): Promise<TokenSet | OAuthError | "replayed"> => {
      const [row] = await query<LockedCodeRow>(client, LOCK_CODE, [codeHash]);
      const decision = decideCodeExchange({
        code: row
          ? {
              applicationId: row.application_id,
              redirectUri: row.redirect_uri,
              codeChallenge: row.code_challenge,
              expiresAt: new Date(row.expires_at),
              consumedAt: date(row.consumed_at),
            }
          : null,
        clientApplicationId: input.client.id,
        redirectUri: input.redirectUri,
        codeVerifier: input.codeVerifier,
        now,
      });
      if (decision.outcome === "reject") return decision.revokeIssuedTokens && row ? "replayed" : decision.error;
      const code = row!;
      // Consumed either way: a code whose authorization was revoked is spent, not kept for a later try.
      await query(client, CONSUME_CODE, [code.id, now]);
      if (code.grant_id && (!code.grant_found || code.grant_revoked)) {
        return new InvalidGrantError("the authorization behind this code was revoked");
      }
      const { set, rows } = await mintTokenSet(
        deps,
        {
          client: input.client,
          user: tokenUserOf(code),
          grantId: code.grant_id,
          workspaceId: code.workspace_id,
          scopes: code.scopes,
          refresh: input.client.grantTypes.includes("refresh_token")
            ? { familyId: randomUUID(), parentId: null }
            : null,
          authorizationCodeId: code.id,
          idToken: { nonce: code.nonce, authTime: new Date(code.auth_time), amr: code.amr },
        },
        now,
      );
      await insertTokenRows(client, rows);
      return set;
    },
  );
  if (result === "replayed") throw await handleReplay(em, input, codeHash, now);
  if (result instanceof Error) throw result;
  return result;
}

/**
 * The common case in one statement and no transaction block, shared with the other exchanges in flight: claim the
 * code if every check of an exchange passes, store the tokens it buys, and read back the user, grant and scope to
 * sign them with. Null when the code is not simply redeemable (unknown, a check failed, a replay, or another request
 * holds it): the locked transaction then decides and acts under the row lock, with the precise error.
 */
async function exchangeOptimistically(
  sql: BatchedSql,
  deps: IssuerDeps,
  input: CodeExchangeInput,
  codeHash: string,
  now: Date,
): Promise<TokenSet | null> {
  const challenge = expectedCodeChallenge(input.codeVerifier);
  if (challenge === undefined) return null;
  const { client } = input;
  const plan = planTokenSet(
    client,
    client.grantTypes.includes("refresh_token") ? { familyId: randomUUID() } : null,
    now,
  );
  const code = await redeemBatched<SpentCode>(sql, REDEEM_CODE, {
    hash: codeHash,
    app: client.id,
    at: now.toISOString(),
    ...plannedRows(client, plan),
    redirect_uri: input.redirectUri ?? null,
    challenge,
  });
  if (!code) return null;
  return signTokenSet(deps, client, plan, {
    user: tokenUserOf(code),
    workspaceId: code.workspace_id,
    scopes: code.scopes,
    idToken: { nonce: code.nonce, authTime: new Date(code.auth_time), amr: code.amr },
  });
}

/**
 * A code presented again (RFC 6749 §4.1.2): revokes what it issued and records the event, in one ORM transaction.
 * The decision is taken again under the lock, so a concurrent change cannot make it act on stale state.
 */
async function handleReplay(
  em: EntityManager,
  input: CodeExchangeInput,
  codeHash: string,
  now: Date,
): Promise<OAuthError> {
  return em.transactional(async (tx): Promise<OAuthError> => {
    const row = await tx.findOne(AuthorizationCode, { codeHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const decision = decideCodeExchange({
      code: row
        ? {
            applicationId: row.application.id,
            redirectUri: row.redirectUri ?? null,
            codeChallenge: row.codeChallenge ?? null,
            expiresAt: row.expiresAt,
            consumedAt: row.consumedAt ?? null,
          }
        : null,
      clientApplicationId: input.client.id,
      redirectUri: input.redirectUri,
      codeVerifier: input.codeVerifier,
      now,
    });
    if (decision.outcome !== "reject") return new InvalidGrantError("authorization code is invalid");
    if (decision.revokeIssuedTokens && row) {
      await revokeTokensOfCode(tx, row.id, "code_replayed", now);
      // Attribute the event to the code's own app (and org), not to whichever client presented it.
      const owner = await tx.findOne(Application, { id: row.application.id });
      recordEvent(
        tx,
        {
          type: "token.code_replayed",
          organizationId: owner?.organization.id ?? input.client.organizationId,
          applicationId: row.application.id,
          subjectType: "authorization_code",
          subjectId: row.id,
          actor: { type: "client", id: input.client.clientId },
        },
        now,
      );
    }
    return decision.error;
  });
}
