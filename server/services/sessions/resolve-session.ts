import type { EntityManager } from "@mikro-orm/postgresql";
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from "../../config.ts";
import { hasValidChecksum, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { Session } from "../../db/entities/index.ts";
import { sessionAmr } from "./session-amr.ts";

/** The signed-in browser's user, as routes and pages need it. Plain data. */
export type ResolvedSession = {
  readonly sessionId: string;
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly displayName: string;
    readonly avatarUrl: string | null;
    readonly emailVerified: boolean;
    /** Whether they asked to be mailed at each new sign-in (`/account/profile`). */
    readonly notifySignIns: boolean;
  };
  /** When the user authenticated (OIDC `auth_time`): the session's creation. */
  readonly authTime: Date;
  /** How the user authenticated, as OIDC `amr` values (RFC 8176), from {@link sessionAmr}. */
  readonly amr: readonly string[];
  /** The session's first-factor method (`password`, a provider's kind, `email_link`). */
  readonly authMethod: string;
};

/** lastSeenAt is written at most this often per session, so browsing does not turn every page into a write. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/**
 * The session a cookie's token names, or null when it is unknown, ended, timed out or not a session token at all
 * (checked by prefix and checksum before any lookup). A session times out `policy.idleTimeoutMs` after its last
 * request (`lastSeenAt`, which resolving moves forward) and `policy.absoluteTimeoutMs` after sign-in, and at its
 * row's `expiresAt` (the absolute timeout in force when it began), whichever comes first: resolving never extends
 * the absolute end, and a shorter policy set later applies to sessions already open.
 */
export async function resolveSession(
  em: EntityManager,
  token: string | null | undefined,
  now: Date,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<ResolvedSession | null> {
  if (!token?.startsWith(SECRET_PREFIXES.browserSession) || !hasValidChecksum(token)) return null;
  const session = await em.findOne(
    Session,
    {
      tokenHash: hashSecret(token),
      expiresAt: { $gt: now },
      createdAt: { $gt: new Date(now.getTime() - policy.absoluteTimeoutMs) },
      lastSeenAt: { $gt: new Date(now.getTime() - policy.idleTimeoutMs) },
    },
    { populate: ["user"] },
  );
  if (!session) return null;
  // With a short idle timeout, written often enough that a session in use never looks idle.
  const resolution = Math.min(LAST_SEEN_RESOLUTION_MS, policy.idleTimeoutMs / 4);
  if (now.getTime() - session.lastSeenAt.getTime() >= resolution) {
    await em.nativeUpdate(Session, { id: session.id }, { lastSeenAt: now });
  }
  const user = session.user.getEntity();
  return {
    sessionId: session.id,
    user: {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      avatarUrl: user.avatarUrl ?? null,
      emailVerified: user.emailVerified,
      notifySignIns: user.notifySignIns,
    },
    authTime: session.createdAt,
    amr: sessionAmr(session.authMethod, session.secondFactor ?? null),
    authMethod: session.authMethod,
  };
}
