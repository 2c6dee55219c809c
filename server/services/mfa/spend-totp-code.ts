import type { EntityManager } from "@mikro-orm/postgresql";
import { openString } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { totpSecretAad } from "../../crypto/secret-aad.ts";
import { TotpFactor } from "../../db/entities/index.ts";
import { decideTotpCode, normalizeTotpCode, type TotpDecision, timeStep } from "./totp-rules.ts";
import { matchTotpCode } from "./totp-secret.ts";

/**
 * Checks `typed` against `factor`'s secret and, when {@link decideTotpCode} accepts it, records its step as the last
 * used one — in one conditional update (`last_used_step` still below it), so two requests racing with the same code
 * cannot both pass: the loser reads as a replay.
 */
export async function spendTotpCode(
  em: EntityManager,
  keyring: MasterKeyring,
  factor: TotpFactor,
  typed: string,
  now: Date,
  extra: Partial<{ confirmedAt: Date }> = {},
): Promise<TotpDecision> {
  const code = normalizeTotpCode(typed);
  if (code === null) return { accept: false, reason: "invalid_code" };
  const secret = openString(keyring, factor.secretEncrypted, totpSecretAad(factor.id));
  const decision = decideTotpCode({
    currentStep: timeStep(now),
    delta: matchTotpCode(secret, code, now),
    lastUsedStep: factor.lastUsedStep ?? null,
  });
  if (!decision.accept) return decision;
  const updated = await em.nativeUpdate(
    TotpFactor,
    { id: factor.id, $or: [{ lastUsedStep: null }, { lastUsedStep: { $lt: decision.step } }] },
    { lastUsedStep: decision.step, ...extra },
  );
  return updated === 1 ? decision : { accept: false, reason: "replayed_code" };
}
