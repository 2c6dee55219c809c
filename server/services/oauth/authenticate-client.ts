import type { EntityManager } from "@mikro-orm/postgresql";
import { hashSecret } from "../../crypto/sha256.ts";
import { Application, ClientSecret } from "../../db/entities/index.ts";
import type { ClientCredentials } from "../../oauth/client-authentication.ts";
import { InvalidClientError } from "../../oauth/errors.ts";
import { type ClientRecord, toClientRecord } from "./client-record.ts";

/** lastUsedAt is written at most this often per secret: a busy client should not turn every token into two writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** One message for every failure, so a caller cannot tell an unknown client from a wrong secret (RFC 6749 §5.2). */
const failed = () => new InvalidClientError("client authentication failed");

/**
 * Authenticates the client of a token, revocation or introspection request (RFC 6749 §2.3): a confidential client
 * with any unexpired, unrevoked secret; a public client by its id alone (it proves itself with PKCE instead).
 */
export async function authenticateClient(
  em: EntityManager,
  credentials: ClientCredentials,
  now: Date,
): Promise<ClientRecord> {
  // PostgreSQL text cannot hold NUL: such an id names no client, and querying with it would be a 500.
  if (credentials.clientId.includes("\0")) throw failed();
  const app = await em.findOne(Application, { clientId: credentials.clientId });
  if (!app?.isActive) throw failed();
  if (credentials.method === "none") {
    if (app.type !== "public") throw new InvalidClientError("this client must authenticate with its client secret");
    return toClientRecord(app);
  }
  if (app.type !== "confidential") throw failed();
  const secret = await em.findOne(ClientSecret, {
    application: app.id,
    secretHash: hashSecret(credentials.clientSecret),
    revokedAt: null,
    $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
  });
  if (!secret) throw failed();
  if (!secret.lastUsedAt || now.getTime() - secret.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await em.nativeUpdate(ClientSecret, { id: secret.id }, { lastUsedAt: now });
  }
  return toClientRecord(app);
}
