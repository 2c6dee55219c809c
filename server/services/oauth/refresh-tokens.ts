import { type EntityManager, LockMode } from "@mikro-orm/postgresql";
import { hasValidChecksum } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { Grant, RefreshToken } from "../../db/entities/index.ts";
import { InvalidGrantError, InvalidRequestError, type OAuthError } from "../../oauth/errors.ts";
import { decideRefresh } from "../../oauth/grants/refresh-token.ts";
import { recordEvent } from "../record-event.ts";
import type { ClientRecord } from "./client-record.ts";
import { type IssuerDeps, issueTokenSet, type TokenSet } from "./issue-token-set.ts";
import { revokeTokenFamily } from "./revoke-token-family.ts";

export type RefreshInput = {
  readonly client: ClientRecord;
  readonly refreshToken: string | undefined;
  readonly scopes: readonly string[];
};

const invalid = () => new InvalidGrantError("refresh token is invalid, expired or revoked");

/**
 * The refresh_token grant with rotation (RFC 6749 §6, RFC 9700 §4.14.2). The presented token's row is locked, so
 * concurrent refreshes of one token serialize: the first rotates it; the rest either get a pair of the same family
 * (inside the app's reuse interval) or are treated as reuse, which revokes the whole family.
 */
export async function refreshTokens(
  em: EntityManager,
  deps: IssuerDeps,
  input: RefreshInput,
  now: Date,
): Promise<TokenSet> {
  // A missing parameter is invalid_request (RFC 6749 §5.2), not invalid_grant.
  if (!input.refreshToken) throw new InvalidRequestError('"refresh_token" parameter is required');
  if (!input.refreshToken.startsWith("latch_rt_") || !hasValidChecksum(input.refreshToken)) throw invalid();
  const tokenHash = hashSecret(input.refreshToken);
  const result = await em.fork().transactional(async (tx): Promise<TokenSet | OAuthError> => {
    const row = await tx.findOne(RefreshToken, { tokenHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const grant = row?.grant ? await tx.findOne(Grant, { id: row.grant.id }) : null;
    const decision = decideRefresh({
      token: row
        ? {
            applicationId: row.application.id,
            scopes: row.scopes,
            expiresAt: row.expiresAt ?? null,
            rotatedAt: row.rotatedAt ?? null,
            revokedAt: row.revokedAt ?? null,
            grantRevoked: Boolean(row.grant && (!grant || grant.revokedAt)),
          }
        : null,
      clientApplicationId: input.client.id,
      requestedScopes: input.scopes,
      reuseIntervalSeconds: input.client.refreshReuseInterval,
      now,
    });
    if (decision.outcome === "reject") return decision.error;
    if (decision.outcome === "reuse_detected") {
      await revokeTokenFamily(tx, row!.familyId, "reuse_detected", now);
      recordEvent(
        tx,
        {
          type: "token.refresh_reuse_detected",
          organizationId: input.client.organizationId,
          applicationId: input.client.id,
          subjectType: "refresh_token_family",
          subjectId: row!.familyId,
          actor: { type: "client", id: input.client.clientId },
          payload: { userId: row!.user?.id ?? null, grantId: row!.grant?.id ?? null },
        },
        now,
      );
      return decision.error;
    }
    const rotate = input.client.refreshTokenRotation;
    if (decision.outcome === "rotate" && rotate) row!.rotatedAt = now;
    return issueTokenSet(
      tx,
      deps,
      {
        client: input.client,
        user: row!.user ? { id: row!.user.id } : null,
        grantId: grant?.id ?? null,
        scopes: decision.scopes,
        refresh: rotate ? { familyId: row!.familyId, parentId: row!.id, scopes: row!.scopes } : null,
        authorizationCodeId: row!.authorizationCodeId ?? null,
        idToken: null,
      },
      now,
    );
  });
  if (result instanceof Error) throw result;
  return result;
}
