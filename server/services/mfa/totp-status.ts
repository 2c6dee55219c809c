import type { EntityManager } from "@mikro-orm/postgresql";
import { openString } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { totpSecretAad } from "../../crypto/secret-aad.ts";
import { TotpFactor, User } from "../../db/entities/index.ts";
import { countRecoveryCodes } from "./recovery-codes.ts";
import { totpKeyUri } from "./totp-secret.ts";

export type TotpStatus =
  | { readonly state: "off" }
  /** Enrolment started: the secret (and its key URI, for the QR code) to put in the app, until a first code. */
  | { readonly state: "pending"; readonly secret: string; readonly keyUri: string }
  | { readonly state: "on"; readonly confirmedAt: Date; readonly recoveryCodesLeft: number };

/** Where the user's authenticator app stands; `issuer` names the account in the app ("Latch"). */
export async function totpStatus(
  em: EntityManager,
  keyring: MasterKeyring,
  userId: string,
  issuer: string,
): Promise<TotpStatus> {
  const factor = await em.findOne(TotpFactor, { user: userId });
  if (!factor) return { state: "off" };
  if (factor.confirmedAt) {
    return { state: "on", confirmedAt: factor.confirmedAt, recoveryCodesLeft: await countRecoveryCodes(em, userId) };
  }
  const secret = openString(keyring, factor.secretEncrypted, totpSecretAad(factor.id));
  const user = await em.findOneOrFail(User, { id: userId });
  return { state: "pending", secret, keyUri: totpKeyUri(secret, user.email, issuer) };
}

/** Whether the user signs in with a confirmed authenticator app. */
export async function hasConfirmedTotp(em: EntityManager, userId: string): Promise<boolean> {
  return (await em.count(TotpFactor, { user: userId, confirmedAt: { $ne: null } })) > 0;
}
