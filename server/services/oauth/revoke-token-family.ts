import type { EntityManager } from "@mikro-orm/postgresql";
import { AccessToken, RefreshToken } from "../../db/entities/index.ts";

/** Revokes every refresh token of a family and the access tokens minted alongside them. */
export async function revokeTokenFamily(tx: EntityManager, familyId: string, reason: string, now: Date): Promise<void> {
  await tx.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: now, revokedReason: reason });
  await tx.nativeUpdate(AccessToken, { refreshFamilyId: familyId, revokedAt: null }, { revokedAt: now });
}

/** Revokes what one authorization code issued (RFC 6749 §4.1.2: a replayed code must not keep its tokens alive). */
export async function revokeTokensOfCode(
  tx: EntityManager,
  authorizationCodeId: string,
  reason: string,
  now: Date,
): Promise<void> {
  await tx.nativeUpdate(
    RefreshToken,
    { authorizationCodeId, revokedAt: null },
    { revokedAt: now, revokedReason: reason },
  );
  await tx.nativeUpdate(AccessToken, { authorizationCodeId, revokedAt: null }, { revokedAt: now });
}
