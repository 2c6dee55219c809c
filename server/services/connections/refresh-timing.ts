import { renewalDueAt } from "./renewal-due.ts";

/** The token columns of a Connection row that decide when it is refreshed. */
export type ConnectionExpiry = {
  readonly expiresAt: Date | null | undefined;
  readonly lastRefreshedAt: Date | null | undefined;
};

/**
 * When a connection's access token is refreshed (see {@link renewalDueAt}). Null when the upstream gave no
 * `expires_in` (RFC 6749 §5.1): such a token is used until the upstream refuses it.
 */
export function refreshDueAt(connection: ConnectionExpiry): Date | null {
  return connection.expiresAt ? renewalDueAt(connection.expiresAt, connection.lastRefreshedAt) : null;
}

/** Whether the token is due for a refresh at `now`, or within `withinMs` of it (the background job looks ahead). */
export function isRefreshDue(connection: ConnectionExpiry, now: Date, withinMs = 0): boolean {
  const due = refreshDueAt(connection);
  return due !== null && due.getTime() <= now.getTime() + withinMs;
}
