import type { EntityManager } from "@mikro-orm/postgresql";
import { User } from "../../db/entities/index.ts";
import { recordEvent } from "../record-event.ts";
import { type CreatedSession, type CreateSessionInput, createSession } from "./create-session.ts";

/**
 * Signs `input.userId` in: a new session, the user's `lastLoginAt`, and the `user.signed_in` Event carrying the
 * session id beside `event.payload` (each sign-in method says how it signed in). Added to `tx`; the caller flushes.
 */
export async function signInUser(
  tx: EntityManager,
  input: CreateSessionInput,
  event: {
    readonly payload: Record<string, unknown>;
    readonly organizationId?: string | null;
    readonly applicationId?: string | null;
  },
  now: Date,
): Promise<CreatedSession> {
  const session = await createSession(tx, input, now);
  await tx.nativeUpdate(User, { id: input.userId }, { lastLoginAt: now });
  recordEvent(
    tx,
    {
      type: "user.signed_in",
      ...(event.organizationId !== undefined && { organizationId: event.organizationId }),
      ...(event.applicationId !== undefined && { applicationId: event.applicationId }),
      subjectType: "user",
      subjectId: input.userId,
      actor: { type: "user", id: input.userId },
      payload: { ...event.payload, sessionId: session.sessionId },
    },
    now,
  );
  return session;
}
