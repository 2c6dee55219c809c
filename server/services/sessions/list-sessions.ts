import type { EntityManager } from "@mikro-orm/postgresql";
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from "../../config.ts";
import { Session } from "../../db/entities/index.ts";
import { describeDevice } from "./describe-device.ts";

/** One signed-in browser of a user, as the sessions page shows it. Plain data. */
export type SessionView = {
  readonly id: string;
  readonly device: string;
  readonly ipAddress: string | null;
  readonly authMethod: string;
  /** The second factor proved at sign-in (`totp`, `recovery_code`), or null. */
  readonly secondFactor: string | null;
  readonly signedInAt: Date;
  readonly lastSeenAt: Date;
  /** The session the list was asked from. */
  readonly current: boolean;
};

/**
 * The user's live sessions (ended and timed-out ones, by the same rules as resolveSession, left out), the current
 * one first, then the most recently seen.
 */
export async function listSessions(
  em: EntityManager,
  input: { readonly userId: string; readonly currentSessionId: string },
  now: Date,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<SessionView[]> {
  const rows = await em.find(
    Session,
    {
      user: input.userId,
      expiresAt: { $gt: now },
      createdAt: { $gt: new Date(now.getTime() - policy.absoluteTimeoutMs) },
      lastSeenAt: { $gt: new Date(now.getTime() - policy.idleTimeoutMs) },
    },
    { orderBy: { lastSeenAt: "desc", id: "asc" } },
  );
  const views = rows.map((row) => ({
    id: row.id,
    device: describeDevice(row.userAgent),
    ipAddress: row.ipAddress ?? null,
    authMethod: row.authMethod,
    secondFactor: row.secondFactor ?? null,
    signedInAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    current: row.id === input.currentSessionId,
  }));
  return [...views.filter((view) => view.current), ...views.filter((view) => !view.current)];
}
