import type { EntityManager } from "@mikro-orm/postgresql";
import { hasValidChecksum, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { Session } from "../../db/entities/index.ts";
import { recordEvent } from "../record-event.ts";

/**
 * Ends the session a cookie's token names (sign out): deletes its row and records `user.signed_out` in the same
 * transaction. Returns whether a session was ended; an unknown, malformed or already-ended token is not an error.
 */
export async function endSession(em: EntityManager, token: string | null | undefined, now: Date): Promise<boolean> {
  if (!token?.startsWith(SECRET_PREFIXES.browserSession) || !hasValidChecksum(token)) return false;
  const session = await em.findOne(Session, { tokenHash: hashSecret(token) });
  if (!session) return false;
  em.remove(session);
  recordEvent(
    em,
    {
      type: "user.signed_out",
      subjectType: "user",
      subjectId: session.user.id,
      actor: { type: "user", id: session.user.id },
      payload: { sessionId: session.id },
    },
    now,
  );
  await em.flush();
  return true;
}
