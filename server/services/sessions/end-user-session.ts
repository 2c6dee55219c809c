import type { EntityManager } from "@mikro-orm/postgresql";
import { Session } from "../../db/entities/index.ts";
import { isUuid } from "../../uuid.ts";
import { recordEvent } from "../record-event.ts";

/**
 * Ends one of the user's own sessions by its id (the sessions page's "Sign out" on another device), recording
 * `user.signed_out` (payload `sessionId`, `method: "account"`) in the same transaction. Another user's session, or
 * one that already ended, is not found: returns false and writes nothing.
 */
export async function endUserSession(
  em: EntityManager,
  input: { readonly userId: string; readonly sessionId: string },
  now: Date,
): Promise<boolean> {
  if (!isUuid(input.sessionId)) return false;
  return em.transactional(async (tx) => {
    const ended = await tx.nativeDelete(Session, { id: input.sessionId, user: input.userId });
    if (ended === 0) return false;
    recordEvent(
      tx,
      {
        type: "user.signed_out",
        subjectType: "user",
        subjectId: input.userId,
        actor: { type: "user", id: input.userId },
        payload: { sessionId: input.sessionId, method: "account" },
      },
      now,
    );
    await tx.flush();
    return true;
  });
}
