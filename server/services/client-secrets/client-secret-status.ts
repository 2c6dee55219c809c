/** Whether a client secret authenticates at the token endpoint now, and if not, why. */
export type ClientSecretStatus = "active" | "expired" | "revoked";

/**
 * The status of a secret at `now`, by the same rule the token endpoint applies (`authenticateClient`): revoked
 * wins, and a secret stops working at the instant it expires.
 */
export function clientSecretStatus(
  secret: { readonly revokedAt?: Date | null; readonly expiresAt?: Date | null },
  now: Date,
): ClientSecretStatus {
  if (secret.revokedAt) return "revoked";
  if (secret.expiresAt && secret.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}
