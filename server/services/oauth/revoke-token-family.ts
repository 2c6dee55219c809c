import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import { AccessToken, RefreshToken } from "../../db/entities/index.ts";

/**
 * Marks the matching refresh tokens revoked, statement after statement until one finds none left, inside the caller's
 * transaction; answers how many it revoked. One UPDATE is not enough: a refresh in flight holds the lock of the token
 * it spends, so the UPDATE waits for it, but READ COMMITTED re-checks only the rows its snapshot held, and that
 * snapshot predates the successor the refresh inserted. The next statement's snapshot holds it. A refresh that comes
 * later finds the token it would spend locked, then revoked, by this transaction and is refused, so the loop ends;
 * without a racing refresh the second statement matches nothing.
 */
export async function revokeRefreshTokensSettled(
  tx: EntityManager,
  where: FilterQuery<RefreshToken>,
  reason: string,
  now: Date,
): Promise<number> {
  let total = 0;
  for (;;) {
    const revoked = await tx.nativeUpdate(
      RefreshToken,
      { $and: [where, { revokedAt: null }] } as FilterQuery<RefreshToken>,
      { revokedAt: now, revokedReason: reason },
    );
    if (revoked === 0) return total;
    total += revoked;
  }
}

/**
 * Revokes every refresh token of a family and the access tokens minted alongside them. The access tokens go last, by
 * a statement whose snapshot holds what every refresh that raced the family's revocation committed.
 */
export async function revokeTokenFamily(tx: EntityManager, familyId: string, reason: string, now: Date): Promise<void> {
  await revokeRefreshTokensSettled(tx, { familyId }, reason, now);
  await tx.nativeUpdate(AccessToken, { refreshFamilyId: familyId, revokedAt: null }, { revokedAt: now });
}

/** Revokes what one authorization code issued (RFC 6749 §4.1.2: a replayed code must not keep its tokens alive). */
export async function revokeTokensOfCode(
  tx: EntityManager,
  authorizationCodeId: string,
  reason: string,
  now: Date,
): Promise<void> {
  await revokeRefreshTokensSettled(tx, { authorizationCodeId }, reason, now);
  await tx.nativeUpdate(AccessToken, { authorizationCodeId, revokedAt: null }, { revokedAt: now });
}
