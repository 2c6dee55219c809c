import type { EntityManager } from "@mikro-orm/postgresql";
import type { JWK } from "jose";
import { toJwks } from "../crypto/signing-keys.ts";
import { SigningKey } from "../db/entities/index.ts";

/**
 * The public keys resource servers verify our JWTs with: the active keys, and retired ones until the last
 * token they signed has expired, so a rotation never breaks a token in flight.
 */
export async function readJwks(em: EntityManager, now: Date): Promise<{ keys: JWK[] }> {
  const keys = await em.find(
    SigningKey,
    { $or: [{ status: "active" }, { expiresAt: { $gt: now } }] },
    { orderBy: { createdAt: "desc" } },
  );
  return toJwks(keys.map((key) => key.publicJwk as JWK));
}
