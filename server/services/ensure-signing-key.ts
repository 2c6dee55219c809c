import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { seal } from "../crypto/envelope.ts";
import type { MasterKeyring } from "../crypto/master-key.ts";
import { signingKeyAad } from "../crypto/secret-aad.ts";
import { type GeneratedSigningKey, generateSigningKey } from "../crypto/signing-keys.ts";
import { SigningKey } from "../db/entities/index.ts";
import { recordEvent } from "./record-event.ts";

export type SigningAlgorithm = "ES256" | "EdDSA";

/** The associated data that binds a sealed private key to its row, so a ciphertext copied to another kid fails. */

/** Adds a freshly generated key as the active one; its private part is sealed and bound to its kid. */
export function addActiveSigningKey(
  tx: EntityManager,
  keyring: MasterKeyring,
  generated: GeneratedSigningKey,
  now: Date,
): SigningKey {
  return tx.create(SigningKey, {
    kid: generated.kid,
    algorithm: generated.algorithm,
    status: "active",
    publicJwk: generated.publicJwk,
    privateKeyEncrypted: seal(keyring, generated.privateKeyPkcs8Pem, signingKeyAad(generated.kid)),
    createdAt: now,
  });
}

/**
 * Makes sure one active signing key of `algorithm` exists, generating it on first start. Safe when several
 * replicas start at once: the database allows one active key per algorithm, and the loser reads the winner's.
 */
export async function ensureSigningKey(
  em: EntityManager,
  keyring: MasterKeyring,
  algorithm: SigningAlgorithm,
  now: Date,
): Promise<SigningKey> {
  const existing = await em.findOne(SigningKey, { algorithm, status: "active" });
  if (existing) return existing;
  const generated = await generateSigningKey(algorithm, now);
  try {
    await em.transactional(async (tx) => {
      addActiveSigningKey(tx, keyring, generated, now);
      recordEvent(
        tx,
        {
          type: "signing_key.created",
          subjectType: "signing_key",
          subjectId: generated.kid,
          actor: { type: "system" },
        },
        now,
      );
    });
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
  }
  return em.findOneOrFail(SigningKey, { algorithm, status: "active" }, { refresh: true });
}
