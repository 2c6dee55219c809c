import type { EntityManager } from "@mikro-orm/postgresql";
import { hasValidChecksum, mintSecret, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret, safeEqual } from "../../crypto/sha256.ts";
import { AccountToken, type AccountTokenPurpose, User } from "../../db/entities/index.ts";

/** How long a password-reset link works. */
export const RESET_LINK_TTL_MS = 30 * 60_000;
/** How long an email-verification link works. */
export const VERIFY_LINK_TTL_MS = 24 * 60 * 60_000;

/** Why a link cannot be used: never there (or mangled), already used, or past its time. */
export type AccountLinkProblem = "invalid" | "used" | "expired";

export type AccountLinkLookup =
  | { readonly ok: true; readonly row: AccountToken; readonly user: User }
  | { readonly ok: false; readonly problem: AccountLinkProblem };

/**
 * Mints a single-use link token for `user` and adds its row (only the SHA-256 is stored) to `em`'s unit of work;
 * the caller flushes. Returns the token, to be mailed once and never logged.
 */
export function issueAccountLink(
  em: EntityManager,
  input: {
    readonly user: User;
    readonly purpose: AccountTokenPurpose;
    readonly ttlMs: number;
    /** The address the link is mailed to, when not the account's own (a `change_email` link goes to the new one). */
    readonly email?: string;
  },
  now: Date,
): string {
  const token = mintSecret(SECRET_PREFIXES.accountLink);
  em.create(AccountToken, {
    user: input.user,
    purpose: input.purpose,
    tokenHash: hashSecret(token),
    email: input.email ?? input.user.email,
    createdAt: now,
    expiresAt: new Date(now.getTime() + input.ttlMs),
  });
  return token;
}

/**
 * The link row `token` names for `purpose`, with its user, when it may still be used: well formed (prefix and
 * checksum before any lookup), known, unused, unexpired, and sent to the address the account still has. The stored
 * hash is looked up, then compared again in constant time.
 */
export async function findAccountLink(
  em: EntityManager,
  token: unknown,
  purpose: AccountTokenPurpose,
  now: Date,
): Promise<AccountLinkLookup> {
  if (typeof token !== "string" || !token.startsWith(SECRET_PREFIXES.accountLink) || !hasValidChecksum(token)) {
    return { ok: false, problem: "invalid" };
  }
  const tokenHash = hashSecret(token);
  const row = await em.findOne(AccountToken, { tokenHash, purpose }, { populate: ["user"] });
  if (!row || !safeEqual(row.tokenHash, tokenHash)) return { ok: false, problem: "invalid" };
  const user = row.user.getEntity();
  if (row.usedAt) return { ok: false, problem: "used" };
  if (row.expiresAt <= now) return { ok: false, problem: "expired" };
  if (row.email !== user.email) return { ok: false, problem: "invalid" };
  return { ok: true, row, user };
}

/**
 * Spends a link found by {@link findAccountLink}, inside the caller's transaction: only one of two concurrent uses
 * wins (the update is conditional on `used_at is null`). Returns whether this use won.
 */
export async function spendAccountLink(em: EntityManager, row: AccountToken, now: Date): Promise<boolean> {
  const spent = await em.nativeUpdate(AccountToken, { id: row.id, usedAt: null }, { usedAt: now });
  return spent === 1;
}

/** Marks every other unused link of `userId` for `purpose` as used (a new password makes old reset links void). */
export async function voidAccountLinks(
  em: EntityManager,
  userId: string,
  purpose: AccountTokenPurpose,
  now: Date,
): Promise<void> {
  await em.nativeUpdate(AccountToken, { user: userId, purpose, usedAt: null }, { usedAt: now });
}

/** Looks up a user by normalized address, safely (a NUL or an over-long address names no one). */
export async function findUserByEmail(em: EntityManager, emailNormalized: string): Promise<User | null> {
  if (emailNormalized === "" || emailNormalized.includes("\0") || emailNormalized.length > 320) return null;
  return em.findOne(User, { emailNormalized });
}
