/** The reason recorded on grants an organization revokes through the control plane, one by one or app-wide. */
export const REVOKED_BY_ORGANIZATION = "revoked_by_organization";

/** When and why a grant stopped standing. */
export type GrantRevocation = { readonly at: Date; readonly reason: string | null };

type GrantState = {
  readonly createdAt: Date;
  readonly revokedAt?: Date | null;
  readonly revokedReason?: string | null;
};

/**
 * A grant's revocation as its readers should see it: its own row's, else the app-wide revocation that covers it
 * (`applications.grants_revoked_before`) before the worker has marked its row, dated and worded as the worker will
 * mark it. Null while the grant stands.
 */
export function grantRevocation(grant: GrantState, grantsRevokedBefore: Date | null): GrantRevocation | null {
  if (grant.revokedAt) return { at: grant.revokedAt, reason: grant.revokedReason ?? null };
  if (grantsRevokedBefore && grant.createdAt < grantsRevokedBefore) {
    return { at: grantsRevokedBefore, reason: REVOKED_BY_ORGANIZATION };
  }
  return null;
}
