import type { EntityManager } from "@mikro-orm/postgresql";
import type { MasterKeyring } from "../crypto/master-key.ts";
import { generateSigningKey } from "../crypto/signing-keys.ts";
import { SigningKey } from "../db/entities/index.ts";
import { addActiveSigningKey, type SigningAlgorithm } from "./ensure-signing-key.ts";
import { ID_TOKEN_TTL_SECONDS } from "./oauth/issue-token-set.ts";
import { recordEvent } from "./record-event.ts";

export type RotationResult = {
  readonly activeKid: string;
  readonly retiredKid: string | null;
  readonly retiredUntil: Date | null;
};

/** How long a retired key stays in the JWKS: the longest access token any app issues (or an ID token's life). */
async function longestTokenLifetimeSeconds(tx: EntityManager): Promise<number> {
  const [row] = await tx.execute<{ ttl: number | null }[]>("select max(access_token_ttl) as ttl from applications");
  return Math.max(row?.ttl ?? 0, ID_TOKEN_TTL_SECONDS);
}

/**
 * Retires the active key and activates a fresh one, in one transaction. The retired key stays in the JWKS until
 * every token it signed has expired, so resource servers never meet a token they cannot verify. `olderThan` makes a
 * scheduled rotation a no-op when another replica has just rotated.
 */
export async function rotateSigningKey(
  em: EntityManager,
  keyring: MasterKeyring,
  input: { algorithm?: SigningAlgorithm; olderThan?: Date },
  now: Date,
): Promise<RotationResult | null> {
  const algorithm = input.algorithm ?? "ES256";
  const generated = await generateSigningKey(algorithm, now);
  return em.transactional(async (tx) => {
    // A row lock is not enough: a waiter re-reading the retired row would find no active key and insert a second one.
    await tx.execute("select pg_advisory_xact_lock(hashtext(?))", [`latch:signing-key:${algorithm}`]);
    const current = await tx.findOne(SigningKey, { algorithm, status: "active" });
    if (current && input.olderThan && current.createdAt > input.olderThan) return null;
    let retiredUntil: Date | null = null;
    if (current) {
      retiredUntil = new Date(now.getTime() + (await longestTokenLifetimeSeconds(tx)) * 1000);
      current.status = "retired";
      current.retiredAt = now;
      current.expiresAt = retiredUntil;
      // The partial unique index allows one active key: the retirement must reach the database first.
      await tx.flush();
    }
    addActiveSigningKey(tx, keyring, generated, now);
    recordEvent(
      tx,
      {
        type: "signing_key.rotated",
        subjectType: "signing_key",
        subjectId: generated.kid,
        actor: { type: "system" },
        payload: { retiredKid: current?.kid ?? null, retiredUntil: retiredUntil?.toISOString() ?? null },
      },
      now,
    );
    return { activeKid: generated.kid, retiredKid: current?.kid ?? null, retiredUntil };
  });
}
