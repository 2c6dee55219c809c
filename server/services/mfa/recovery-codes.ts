import { randomBytes } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { hashSecret } from "../../crypto/sha256.ts";
import { RecoveryCode, User } from "../../db/entities/index.ts";
import { formatRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from "./totp-rules.ts";

/**
 * Replaces the user's recovery codes with {@link RECOVERY_CODE_COUNT} new ones; returns them in plaintext, once.
 * Only the SHA-256 of each code's normalized form is stored. Added to `tx`; the caller flushes.
 */
export async function issueRecoveryCodes(tx: EntityManager, userId: string, now: Date): Promise<string[]> {
  await tx.nativeDelete(RecoveryCode, { user: userId });
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => formatRecoveryCode(randomBytes(10)));
  for (const code of codes) {
    tx.create(RecoveryCode, {
      user: tx.getReference(User, userId),
      codeHash: hashSecret(normalizeRecoveryCode(code)!),
      createdAt: now,
    });
  }
  return codes;
}

/**
 * Spends one recovery code of `userId`: true when `typed` was one of theirs and unused. One conditional update, so
 * two requests presenting the same code cannot both succeed.
 */
export async function spendRecoveryCode(em: EntityManager, userId: string, typed: string, now: Date): Promise<boolean> {
  const code = normalizeRecoveryCode(typed);
  if (code === null) return false;
  const spent = await em.nativeUpdate(
    RecoveryCode,
    { user: userId, codeHash: hashSecret(code), usedAt: null },
    { usedAt: now },
  );
  return spent === 1;
}

/** How many unused recovery codes the user has left. */
export function countRecoveryCodes(em: EntityManager, userId: string): Promise<number> {
  return em.count(RecoveryCode, { user: userId, usedAt: null });
}
