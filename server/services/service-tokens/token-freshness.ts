import { renewalDueAt } from "../connections/renewal-due.ts";

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

/** When a service token is renewed (see {@link renewalDueAt}). */
export function renewalDue(token: StoredServiceToken): Date | null {
  const expiry = effectiveExpiry(token);
  return expiry ? renewalDueAt(expiry, token.lastRefreshedAt) : null;
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
