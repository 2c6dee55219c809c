/** The most a service token is renewed ahead of its expiry. */
export const RENEWAL_MARGIN_MS = 60_000;
/** How long a token is taken to live when the upstream gave no `expires_in` (RFC 6749 §5.1 makes it optional). */
export const ASSUMED_LIFETIME_MS = 60 * 60_000;

/** The token columns of a service Connection row that decide whether it can be handed out. */
export type StoredServiceToken = {
  readonly accessTokenEncrypted?: string | null;
  readonly expiresAt?: Date | null;
  readonly lastRefreshedAt?: Date | null;
};

/** When the stored token stops being usable: its `expires_in`, or the assumed lifetime when it had none. */
export function effectiveExpiry(token: StoredServiceToken): Date | null {
  if (!token.accessTokenEncrypted) return null;
  if (token.expiresAt) return token.expiresAt;
  return token.lastRefreshedAt ? new Date(token.lastRefreshedAt.getTime() + ASSUMED_LIFETIME_MS) : null;
}

/**
 * When a token is renewed: {@link RENEWAL_MARGIN_MS} before it expires, or halfway through its lifetime when that
 * comes first (a 4-second token is renewed after 2 seconds, not never), so a caller never gets one that expires
 * while it is being used.
 */
export function renewalDue(token: StoredServiceToken): Date | null {
  const expiry = effectiveExpiry(token);
  if (!expiry) return null;
  const issued = token.lastRefreshedAt?.getTime() ?? expiry.getTime();
  const lifetime = Math.max(0, expiry.getTime() - issued);
  return new Date(expiry.getTime() - Math.min(RENEWAL_MARGIN_MS, lifetime / 2));
}

/** Whether the stored token can be handed out without renewing it first. */
export function isFresh(token: StoredServiceToken, now: Date): boolean {
  const due = renewalDue(token);
  return due !== null && now < due;
}

/** Whether the stored token is still valid at `now`: the fallback when a renewal fails, never past this. */
export function isUnexpired(token: StoredServiceToken, now: Date): boolean {
  const expiry = effectiveExpiry(token);
  return expiry !== null && now < expiry;
}
