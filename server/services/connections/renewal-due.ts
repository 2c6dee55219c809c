/** The most a token is renewed ahead of its expiry. */
export const RENEWAL_MARGIN_MS = 60_000;

/**
 * When a token that lives from `issuedAt` to `expiresAt` is renewed: {@link RENEWAL_MARGIN_MS} before it expires, or
 * halfway through its lifetime when that comes first (a 4-second token is renewed after 2 seconds, not never), so a
 * caller never gets one that expires while it is being used. Shared by user connections and service tokens.
 */
export function renewalDueAt(expiresAt: Date, issuedAt: Date | null | undefined): Date {
  const expiry = expiresAt.getTime();
  const lifetime = Math.max(0, expiry - (issuedAt?.getTime() ?? expiry));
  return new Date(expiry - Math.min(RENEWAL_MARGIN_MS, lifetime / 2));
}
