import type { EntityManager } from "@mikro-orm/postgresql";
import { AccessToken, AuthorizationCode, Grant, RefreshToken } from "../../db/entities/index.ts";

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
  await tx.nativeUpdate(
    RefreshToken,
    { application: applicationId, revokedAt: null },
    { revokedAt: now, revokedReason: reason },
  );
  await tx.nativeUpdate(AccessToken, { application: applicationId, revokedAt: null }, { revokedAt: now });
  await tx.nativeUpdate(AuthorizationCode, { application: applicationId, consumedAt: null }, { consumedAt: now });
}
