import type { EntityManager } from "@mikro-orm/postgresql";
import { Session } from "../../db/entities/index.ts";
import { recordEvent } from "../record-event.ts";

/**
 * Ends every session of the user but `keepSessionId` ("Sign out of all other sessions"), or every one when it is
 * null ("Sign out everywhere"), with one `user.signed_out` Event (payload `endedSessions`, `everywhere`) in the
 * same transaction. Returns how many sessions ended; none ending records nothing.
 */
export async function endOtherSessions(
  em: EntityManager,
  input: { readonly userId: string; readonly keepSessionId: string | null },
  now: Date,
): Promise<number> {
  return em.transactional(async (tx) => {
    const endedSessions = await tx.nativeDelete(Session, {
      user: input.userId,
      ...(input.keepSessionId ? { id: { $ne: input.keepSessionId } } : {}),
    });
    if (endedSessions === 0) return 0;
    recordEvent(
      tx,
      {
        type: "user.signed_out",
        subjectType: "user",
        subjectId: input.userId,
        actor: { type: "user", id: input.userId },
        payload: { method: "account", endedSessions, everywhere: input.keepSessionId === null },
      },
      now,
    );
    await tx.flush();
    return endedSessions;
  });
}
