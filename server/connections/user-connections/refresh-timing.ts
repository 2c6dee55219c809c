/** The most an access token is refreshed ahead of its expiry. */
export const REFRESH_MARGIN_MS = 60_000;

/** The token columns of a Connection row that decide when it is refreshed. */
export type ConnectionExpiry = {
  readonly expiresAt: Date | null | undefined;
  readonly lastRefreshedAt: Date | null | undefined;
};

/**
 * When a connection's access token is refreshed: {@link REFRESH_MARGIN_MS} before it expires, or halfway through its
 * lifetime when that comes first (a 4-second token is refreshed after 2 seconds), so a caller never gets a token
 * that expires while it uses it. Null when the upstream gave no `expires_in` (RFC 6749 §5.1): such a token is used
 * until the upstream refuses it.
 */
export function refreshDueAt(connection: ConnectionExpiry): Date | null {
  if (!connection.expiresAt) return null;
  const expiry = connection.expiresAt.getTime();
  const lifetime = Math.max(0, expiry - (connection.lastRefreshedAt?.getTime() ?? expiry));
  return new Date(expiry - Math.min(REFRESH_MARGIN_MS, lifetime / 2));
}

/** Whether the token is due for a refresh at `now`, or within `withinMs` of it (the background job looks ahead). */
export function isRefreshDue(connection: ConnectionExpiry, now: Date, withinMs = 0): boolean {
  const due = refreshDueAt(connection);
  return due !== null && due.getTime() <= now.getTime() + withinMs;
}
