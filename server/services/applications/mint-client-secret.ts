import type { EntityManager } from "@mikro-orm/postgresql";
import { mintSecret, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { type Application, ClientSecret } from "../../db/entities/index.ts";

/** Adds a client secret to the unit of work; the plaintext is returned once and only its hash is stored. */
export function mintClientSecret(
  em: EntityManager,
  input: { application: Application; name: string; expiresAt: Date | null; createdById: string | null },
  now: Date,
): { secret: ClientSecret; plaintext: string } {
  const plaintext = mintSecret(SECRET_PREFIXES.clientSecret);
  const secret = em.create(ClientSecret, {
    application: input.application,
    name: input.name,
    secretHash: hashSecret(plaintext),
    last4: plaintext.slice(-4),
    createdAt: now,
    expiresAt: input.expiresAt,
    createdBy: input.createdById,
  });
  return { secret, plaintext };
}
