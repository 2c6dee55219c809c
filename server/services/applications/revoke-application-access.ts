import type { EntityManager } from "@mikro-orm/postgresql";
import { AccessToken, AuthorizationCode, Grant } from "../../db/entities/index.ts";
import { revokeRefreshTokensSettled } from "../oauth/revoke-token-family.ts";

/** Revokes every grant, refresh token, access token and unused code of an app, inside the caller's transaction. */
export async function revokeApplicationAccess(
  tx: EntityManager,
  applicationId: string,
  reason: string,
  now: Date,
): Promise<void> {
  await tx.nativeUpdate(
    Grant,
    { application: applicationId, revokedAt: null },
    { revokedAt: now, revokedReason: reason },
  );
  await revokeRefreshTokensSettled(tx, { application: applicationId }, reason, now);
  await tx.nativeUpdate(AccessToken, { application: applicationId, revokedAt: null }, { revokedAt: now });
  await tx.nativeUpdate(AuthorizationCode, { application: applicationId, consumedAt: null }, { consumedAt: now });
}
