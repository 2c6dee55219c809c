import type { EntityManager } from "@mikro-orm/postgresql";
import { seal } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { totpSecretAad } from "../../crypto/secret-aad.ts";
import { TotpFactor, User } from "../../db/entities/index.ts";
import { newTotpSecret } from "./totp-secret.ts";

export type EnrolTotpResult = { readonly ok: true } | { readonly ok: false; readonly reason: "already_enrolled" };

/**
 * Starts adding an authenticator app: a new secret, sealed, in an unconfirmed factor (replacing one a previous
 * attempt left unconfirmed). Nothing changes at sign-in until {@link confirmTotp} proves the app holds the secret.
 * A user who already has a confirmed app must remove it first.
 */
export async function enrolTotp(
  em: EntityManager,
  keyring: MasterKeyring,
  userId: string,
  now: Date,
): Promise<EnrolTotpResult> {
  return em.transactional(async (tx) => {
    const existing = await tx.findOne(TotpFactor, { user: userId });
    if (existing?.confirmedAt) return { ok: false, reason: "already_enrolled" } as const;
    if (existing) tx.remove(existing);
    await tx.flush();
    const id = crypto.randomUUID();
    tx.create(TotpFactor, {
      id,
      user: tx.getReference(User, userId),
      secretEncrypted: seal(keyring, newTotpSecret(), totpSecretAad(id)),
      createdAt: now,
      confirmedAt: null,
      lastUsedStep: null,
    });
    await tx.flush();
    return { ok: true } as const;
  });
}
